package seed

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/rapportnet/rapport"
)

//go:embed data
var dataFS embed.FS

// weighted draws items with probability proportional to their weights, by a
// binary search of the cumulative weights: O(log n) a draw, and exact.
type weighted[T any] struct {
	items []T
	cum   []uint64 // cum[i] is the sum of the weights of items 0..i
}

func (w *weighted[T]) add(item T, weight uint64) {
	total := weight
	if n := len(w.cum); n > 0 {
		total += w.cum[n-1]
	}
	w.items = append(w.items, item)
	w.cum = append(w.cum, total)
}

func (w *weighted[T]) len() int { return len(w.items) }

// pick draws one item. It must not be called on an empty table.
func (w *weighted[T]) pick(rng *rand.Rand) T {
	x := rng.Uint64N(w.cum[len(w.cum)-1])
	i, _ := slices.BinarySearch(w.cum, x+1) // the first i with cum[i] > x
	return w.items[i]
}

// firstName is a given name and whether it is a woman's.
type firstName struct {
	name   string
	female bool
}

// country is where a member's names, schools and cities come from.
type country struct {
	code, name string
	// twoSurnames is the percentage of people who carry two surnames.
	twoSurnames int
	first       weighted[firstName]
	last        weighted[string]
	cities      weighted[string]
	schools     weighted[string]
	stems       []string            // of smaller firms' names
	degrees     [4]weighted[string] // by level: 1 bachelor, 2 master, 3 doctorate
}

// family is a kind of work: its titles by seniority, the industries that
// hire it, the fields its people studied and the skills they list.
type family struct {
	name       string
	industries []string
	fields     []string
	skills     []string
	titles     [5][]string // by level, 1 to 4
}

// organization is a named employer.
type organization struct {
	name, industry string
}

// catalog is every list the generator draws from.
type catalog struct {
	countries weighted[*country]
	byCode    map[string]*country
	families  weighted[*family]
	general   []string            // skills of any family
	suffixes  map[string][]string // industry → last words of smaller firms' names
	// orgs holds the named organizations by industry, under "CC/industry"
	// for those of one country and "*/industry" for those everywhere.
	orgs    map[string]*weighted[organization]
	degrees [4]weighted[string] // by level, for countries without their own
	words   []string            // of the demo password
}

// loadCatalog parses the embedded lists once per process: they never
// change, and every generator shares them read-only.
var loadCatalog = sync.OnceValues(readCatalog)

func readCatalog() (*catalog, error) {
	c := &catalog{byCode: map[string]*country{}, suffixes: map[string][]string{}, orgs: map[string]*weighted[organization]{}}
	err := readTable("countries.tsv", 4, func(f []string) error {
		share, err := weight(f[2])
		if err != nil {
			return err
		}
		two, err := strconv.Atoi(f[3])
		if err != nil || two < 0 || two > 100 {
			return fmt.Errorf("want a percentage, got %q", f[3])
		}
		k := &country{code: f[0], name: f[1], twoSurnames: two}
		c.byCode[k.code] = k
		c.countries.add(k, share)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, k := range c.countries.items {
		if err := readNames(k); err != nil {
			return nil, err
		}
	}
	inCountry := func(file string, fn func(k *country, f []string) error) error {
		return readTable(file, 0, func(f []string) error {
			k := c.byCode[f[0]]
			if k == nil && f[0] != "*" {
				return fmt.Errorf("unknown country %q", f[0])
			}
			return fn(k, f)
		})
	}
	err = inCountry("cities.tsv", func(k *country, f []string) error {
		w, err := weight(f[2])
		k.cities.add(f[1], w)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = inCountry("schools.tsv", func(k *country, f []string) error {
		w, err := weight(f[2])
		k.schools.add(f[1], w)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = inCountry("degrees.tsv", func(k *country, f []string) error {
		level, err := strconv.Atoi(f[1])
		if err != nil || level < 1 || level > 3 {
			return fmt.Errorf("want a level 1 to 3, got %q", f[1])
		}
		w, err := weight(f[3])
		if k == nil {
			c.degrees[level].add(f[2], w)
		} else {
			k.degrees[level].add(f[2], w)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = inCountry("stems.tsv", func(k *country, f []string) error {
		k.stems = list(f[1])
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTable("industries.tsv", 2, func(f []string) error {
		c.suffixes[f[0]] = list(f[1])
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTable("organizations.tsv", 4, func(f []string) error {
		if _, ok := c.suffixes[f[1]]; !ok {
			return fmt.Errorf("unknown industry %q", f[1])
		} else if _, ok := c.byCode[f[2]]; !ok && f[2] != "*" {
			return fmt.Errorf("unknown country %q", f[2])
		}
		w, err := weight(f[3])
		key := f[2] + "/" + f[1]
		if c.orgs[key] == nil {
			c.orgs[key] = &weighted[organization]{}
		}
		c.orgs[key].add(organization{name: f[0], industry: f[1]}, w)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := readFamilies(c); err != nil {
		return nil, err
	}
	err = readTable("words.txt", 1, func(f []string) error {
		c.words = append(c.words, f[0])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, c.check()
}

// check makes sure that every draw the generator makes has something to
// draw from.
func (c *catalog) check() error {
	for _, k := range c.countries.items {
		switch {
		case k.first.len() == 0 || k.last.len() == 0:
			return fmt.Errorf("seed data: %s has no names", k.code)
		case k.cities.len() == 0:
			return fmt.Errorf("seed data: %s has no cities", k.code)
		case k.schools.len() == 0:
			return fmt.Errorf("seed data: %s has no schools", k.code)
		case len(k.stems) == 0:
			return fmt.Errorf("seed data: %s has no firm names", k.code)
		}
	}
	for level := 1; level <= 3; level++ {
		if c.degrees[level].len() == 0 {
			return fmt.Errorf("seed data: no degrees of level %d for every country", level)
		}
	}
	for _, f := range c.families.items {
		for _, ind := range f.industries {
			if len(c.suffixes[ind]) == 0 {
				return fmt.Errorf("seed data: family %s names unknown industry %q", f.name, ind)
			}
		}
		for level := 1; level <= 4; level++ {
			if len(f.titles[level]) == 0 {
				return fmt.Errorf("seed data: family %s has no titles of level %d", f.name, level)
			}
		}
		if len(f.fields) == 0 || len(f.skills) < 10 {
			return fmt.Errorf("seed data: family %s needs fields and at least 10 skills", f.name)
		}
	}
	if c.families.len() == 0 || len(c.words) < 100 {
		return fmt.Errorf("seed data: no families, or too few words")
	}
	return nil
}

// readNames reads names/<code>.tsv: "first" lines with a name, f or m and a
// weight, and "last" lines with a name and a weight.
func readNames(k *country) error {
	return readTable(path.Join("names", strings.ToLower(k.code)+".tsv"), 0, func(f []string) error {
		switch {
		case f[0] == "first" && len(f) == 4 && (f[2] == "f" || f[2] == "m"):
			w, err := weight(f[3])
			k.first.add(firstName{name: f[1], female: f[2] == "f"}, w)
			return err
		case f[0] == "last" && len(f) == 3:
			w, err := weight(f[2])
			k.last.add(f[1], w)
			return err
		}
		return fmt.Errorf("want first NAME f|m WEIGHT or last NAME WEIGHT")
	})
}

// readFamilies reads families.txt: blocks that start with a "family" line,
// and one "general" line of skills any member may list.
func readFamilies(c *catalog) error {
	var f *family
	return readTable("families.txt", 0, func(fields []string) error {
		if len(fields) != 2 && len(fields) != 3 {
			return fmt.Errorf("want a key and a value")
		}
		key, value := fields[0], fields[1]
		if key == "family" {
			if len(fields) != 3 {
				return fmt.Errorf("want family NAME SHARE")
			}
			w, err := weight(fields[2])
			f = &family{name: value}
			c.families.add(f, w)
			return err
		} else if key == "general" {
			c.general = list(value)
			return nil
		} else if f == nil {
			return fmt.Errorf("%q before the first family", key)
		}
		switch key {
		case "industries":
			f.industries = list(value)
		case "fields":
			f.fields = list(value)
		case "skills":
			f.skills = list(value)
		case "1", "2", "3", "4":
			f.titles[key[0]-'0'] = list(value)
		default:
			return fmt.Errorf("unknown key %q", key)
		}
		return nil
	})
}

// readTable calls fn with the tab-separated fields of each line of an
// embedded file that is neither blank nor a comment; want, when not 0, is
// the number of fields every line must have.
func readTable(name string, want int, fn func(fields []string) error) error {
	b, err := fs.ReadFile(dataFS, path.Join("data", name))
	if err != nil {
		return fmt.Errorf("seed data: %w", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if want != 0 && len(f) != want {
			return fmt.Errorf("seed data %s line %d: want %d fields, got %d", name, n, want, len(f))
		}
		if err := fn(f); err != nil {
			return fmt.Errorf("seed data %s line %d: %w", name, n, err)
		}
	}
	return sc.Err()
}

func weight(s string) (uint64, error) {
	w, err := strconv.ParseUint(s, 10, 32)
	if err != nil || w == 0 {
		return 0, fmt.Errorf("want a positive weight, got %q", s)
	}
	return w, nil
}

// list splits a "; "-separated list.
func list(s string) []string {
	out := strings.Split(s, ";")
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

// Organizations returns the named organizations that demo members work
// at, for their pages: name, industry, and for one of a country, its
// country's name as the location. Their slugs are their names, folded to
// a-z, digits and hyphens.
func Organizations() ([]rapport.Organization, error) {
	c, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(c.orgs))
	for k := range c.orgs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []rapport.Organization
	seen := map[string]bool{}
	for _, k := range keys {
		code, _, _ := strings.Cut(k, "/")
		location := ""
		if k := c.byCode[code]; k != nil {
			location = k.name
		}
		for _, o := range c.orgs[k].items {
			slug := slugOf(o.name)
			if seen[slug] {
				continue
			}
			seen[slug] = true
			out = append(out, rapport.Organization{Slug: slug, Name: o.name, Industry: o.industry, Location: location,
				Tagline: "A fictional " + strings.ToLower(o.industry) + " organization of the demo site."})
		}
	}
	return out, nil
}

// slugOf folds a name to a page address: "Nordlicht Logistik GmbH" is
// "nordlicht-logistik-gmbh".
func slugOf(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range rapport.Fold(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	return b.String()
}
