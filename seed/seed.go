// Package seed makes realistic demo members for a Rapport site, to give
// newcomers a living site and benchmarks a large one: names drawn from the
// frequency lists of thirteen countries, and headlines, locations, positions,
// schools and skills that fit together. A member's names, schools and city
// mostly come from one country; their titles rise with their years of work.
//
// The same seed makes the same members, in the same order. The lists are
// embedded, and the package uses only the standard library and the domain.
package seed

import (
	"crypto/rand"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

// EmailDomain is the domain of every demo member's email address: reserved
// for examples (RFC 2606), so no mail to a demo member reaches anyone.
const EmailDomain = "example.com"

// Options says how a Generator draws.
type Options struct {
	// Seed picks the members: the same seed gives the same members.
	Seed uint64
	// Today is the month careers run up to: current positions started
	// before it, past ones ended before it. It must be set.
	Today rapport.Month
	// Taken, when set, reports whether a handle belongs to someone on the
	// site already; the generator then picks another one.
	Taken func(handle string) bool
}

// Generator makes demo members, one after the other. It is not safe for
// use by several goroutines at once.
type Generator struct {
	cat   *catalog
	rng   *mrand.Rand
	today rapport.Month
	taken func(string) bool
	bases map[string]int // handle base → how many handles made from it so far
}

// New returns a generator. It returns an error when the embedded lists do
// not parse, or when opts.Today is not a month.
func New(opts Options) (*Generator, error) {
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	if opts.Today.Year < 1990 || opts.Today.Year > 2100 || opts.Today.Month < 1 || opts.Today.Month > 12 {
		return nil, fmt.Errorf("seed: today %v is not a month between 1990 and 2100", opts.Today)
	}
	return &Generator{
		cat:   cat,
		rng:   mrand.New(mrand.NewPCG(opts.Seed, opts.Seed^0x5eed5eed5eed5eed)),
		today: opts.Today,
		taken: opts.Taken,
		bases: map[string]int{},
	}, nil
}

// Members makes the next n members, as Member does one.
func (g *Generator) Members(n int) []*rapport.Member {
	out := make([]*rapport.Member, n)
	for i := range out {
		out[i] = g.Member()
	}
	return out
}

// Member makes the next member: handle, email address, display name and a
// whole public profile. Handles are unique among the members of one
// generator and, with Options.Taken, on the site; the email address is the
// handle's at EmailDomain, so it is unique too.
func (g *Generator) Member() *rapport.Member {
	r := g.rng
	origin := g.cat.countries.pick(r)
	// Most people work in the country whose names they carry; some moved.
	home := origin
	if r.IntN(100) < 10 {
		home = g.cat.countries.pick(r)
	}
	first := origin.first.pick(r)
	last := origin.last.pick(r)
	if r.IntN(100) < origin.twoSurnames {
		if second := origin.last.pick(r); second != last {
			last += " " + second
		}
	}
	if origin.code == "PL" && first.female {
		last = feminine(last)
	}
	display := first.name + " " + last
	handle := g.handle(handleBase(first.name, last))

	fam := g.cat.families.pick(r)
	city := home.cities.pick(r)
	m := &rapport.Member{
		Handle:      handle,
		Email:       strings.ReplaceAll(handle, "-", ".") + "@" + EmailDomain,
		DisplayName: display,
		Status:      rapport.StatusActive,
		Profile: rapport.Profile{
			Location:              city + ", " + home.name,
			Visibility:            rapport.VisibilityPublic,
			ConnectionsVisibility: rapport.ConnectionsVisibleToConnections,
		},
	}
	// Years since the member started work: few at 0, most between 5 and
	// 25, a few up to 35.
	years := r.IntN(24) + r.IntN(12)
	start := rapport.Month{Year: g.today.Year - years, Month: randomMonth(r, time.June, time.October)}
	if g.today.Before(start) {
		start = g.today
	}
	m.Profile.Education = g.education(origin, home, fam, start.Year)
	m.Profile.Positions = g.positions(home, city, fam, start)
	m.Profile.Skills = g.skills(fam)
	m.Profile.Headline = g.headline(m.Profile.Positions, m.Profile.Skills)
	if r.IntN(100) < 40 {
		m.Profile.About = g.about(fam, city, years, m.Profile.Skills)
	}
	return m
}

// education makes one or two schools, the last finished in the year the
// member started work; most are in the country of the member's names.
func (g *Generator) education(origin, home *country, fam *family, endYear int) []rapport.Education {
	r := g.rng
	schoolCountry := func() *country {
		if home != origin && r.IntN(100) < 40 {
			return home
		} else if r.IntN(100) < 5 {
			return g.cat.countries.pick(r)
		}
		return origin
	}
	field := fam.fields[r.IntN(len(fam.fields))]
	// A master's degree for many, a doctorate for a few, more of them in
	// research.
	second := 0
	switch n := r.IntN(100); {
	case fam.name == "Education and Research" && n < 35, n < 3:
		second = 3
	case n < 40:
		second = 2
	}
	var out []rapport.Education
	if second != 0 {
		k := schoolCountry()
		years := 2
		if second == 3 {
			years = 3 + r.IntN(3)
		} else if r.IntN(3) == 0 {
			years = 1
		}
		out = append(out, rapport.Education{
			School: k.schools.pick(r), Degree: g.degree(k, second), Field: field,
			StartYear: endYear - years, EndYear: endYear,
		})
		endYear -= years
		if r.IntN(4) == 0 {
			field = fam.fields[r.IntN(len(fam.fields))]
		}
	}
	k := schoolCountry()
	years := 3 + r.IntN(2)
	out = append(out, rapport.Education{
		School: k.schools.pick(r), Degree: g.degree(k, 1), Field: field,
		StartYear: endYear - years, EndYear: endYear,
	})
	return out
}

func (g *Generator) degree(k *country, level int) string {
	if k.degrees[level].len() > 0 {
		return k.degrees[level].pick(g.rng)
	}
	return g.cat.degrees[level].pick(g.rng)
}

// positions makes one to four positions that follow each other from start
// to today, most recent first, with titles that rise with the years; the
// most recent one is usually current.
func (g *Generator) positions(home *country, city string, fam *family, start rapport.Month) []rapport.Position {
	r := g.rng
	span := monthsBetween(start, g.today)
	// One position for every few years of work, at most four.
	n := 1 + min(3, r.IntN(1+span/40))
	// Each position but the first starts at a month drawn within the span,
	// which is 40 months or more when there are several.
	starts := []int{0}
	for range n - 1 {
		starts = append(starts, 1+r.IntN(span))
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)
	out := make([]rapport.Position, len(starts))
	for i, s := range starts {
		p := rapport.Position{Start: addMonths(start, s)}
		e := span // months from start to the end of the position
		if i+1 < len(starts) {
			// It ended when the next began, or a few months before.
			e = max(s, starts[i+1]-1-r.IntN(3))
		} else if r.IntN(100) < 12 {
			e = s + r.IntN(span-s+1)
		}
		if i+1 < len(starts) || e < span {
			end := addMonths(start, e)
			p.End = &end
		}
		// The title fits the years of work halfway through the position.
		p.Title = g.title(fam, (s+e)/24)
		industry := fam.industries[r.IntN(len(fam.industries))]
		p.OrganizationName = g.organization(home, industry)
		where := city
		if i+1 < len(starts) && r.IntN(100) < 30 {
			where = home.cities.pick(r)
		}
		p.Location = where + ", " + home.name
		out[len(starts)-1-i] = p
	}
	return out
}

// title draws a title of a seniority that fits years of work, now and then
// a step below.
func (g *Generator) title(fam *family, years int) string {
	level := 4
	switch {
	case years < 2:
		level = 1
	case years < 6:
		level = 2
	case years < 12:
		level = 3
	case g.rng.IntN(2) == 0:
		level = 3
	}
	if level > 1 && g.rng.IntN(100) < 15 {
		level--
	}
	t := fam.titles[level]
	return t[g.rng.IntN(len(t))]
}

// organization draws an employer in an industry: a named organization of
// the country or of everywhere, or else a smaller firm named after the
// country's places.
func (g *Generator) organization(home *country, industry string) string {
	r := g.rng
	if r.IntN(100) < 55 {
		local, global := g.cat.orgs[home.code+"/"+industry], g.cat.orgs["*/"+industry]
		if local != nil && (global == nil || r.IntN(100) < 60) {
			return local.pick(r).name
		} else if global != nil {
			return global.pick(r).name
		}
	}
	suffixes := g.cat.suffixes[industry]
	return home.stems[r.IntN(len(home.stems))] + " " + suffixes[r.IntN(len(suffixes))]
}

// skills draws 3 to 10 distinct skills, mostly of the member's family.
func (g *Generator) skills(fam *family) []string {
	r := g.rng
	n := 3 + r.IntN(8)
	out := make([]string, 0, n)
	seen := make(map[string]bool, n)
	for tries := 0; len(out) < n && tries < 100; tries++ {
		s := fam.skills[r.IntN(len(fam.skills))]
		if r.IntN(100) < 12 {
			s = g.cat.general[r.IntN(len(g.cat.general))]
		}
		if key := strings.ToLower(s); !seen[key] {
			seen[key] = true
			out = append(out, s)
		}
	}
	return out
}

// headline says what the member does now, as most people write it.
func (g *Generator) headline(positions []rapport.Position, skills []string) string {
	p := positions[0]
	if !p.Current() {
		return p.Title + ", formerly at " + p.OrganizationName
	}
	h := p.Title + " at " + p.OrganizationName
	if g.rng.IntN(100) < 20 && len(skills) >= 2 {
		h += " · " + skills[0] + ", " + skills[1]
	}
	return h
}

func (g *Generator) about(fam *family, city string, years int, skills []string) string {
	switch {
	case years < 2:
		return fmt.Sprintf("Starting out in %s in %s. Learning %s and %s.", strings.ToLower(fam.name), city, skills[0], skills[1])
	case g.rng.IntN(2) == 0:
		return fmt.Sprintf("%d years in %s, based in %s. I work mostly with %s, %s and %s.", years, strings.ToLower(fam.name), city, skills[0], skills[1], skills[2])
	}
	return fmt.Sprintf("Based in %s. %s, %s and %s are what I know best; ask me about them.", city, skills[0], skills[1], skills[2])
}

// handle returns the first free handle made from base: base itself, then
// base-2, base-3 ... A base never ends in a digit, so the handles of two
// bases never meet.
func (g *Generator) handle(base string) string {
	n := g.bases[base]
	for {
		n++
		h := base
		if n > 1 {
			h = base + "-" + strconv.Itoa(n)
		}
		if g.taken == nil || !g.taken(h) {
			g.bases[base] = n
			return h
		}
	}
}

// handleBaseMax leaves room in a handle for "-" and seven digits.
const handleBaseMax = rapport.HandleMaxLen - 8

// handleBase folds a name to the letters a to z and hyphens: "Łukasz",
// "Wiśniewski" gives "lukasz-wisniewski", "Seán", "O'Brien" gives
// "sean-obrien".
func handleBase(first, last string) string {
	b := fold(first) + "-" + fold(last)
	if len(b) > handleBaseMax {
		b = strings.TrimRight(b[:handleBaseMax], "-")
	}
	return b
}

// asciiFold spells the letters of the names in the lists without their
// accents and strokes, in lower case.
var asciiFold = map[rune]string{
	'æ': "ae", 'ð': "d", 'đ': "d", 'ħ': "h", 'ı': "i", 'ł': "l", 'ŀ': "l", 'ø': "o",
	'œ': "oe", 'ß': "ss", 'þ': "th", 'ŧ': "t",
}

func init() {
	for ascii, letters := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ď", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥ",
		"i": "ìíîïĩīĭį", "j": "ĵ", "k": "ķ", "l": "ĺļľ", "n": "ñńņňŉ", "o": "òóôõöōŏő",
		"r": "ŕŗř", "s": "śŝşš", "t": "ţť", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, l := range letters {
			asciiFold[l] = ascii
		}
	}
}

// fold spells a name in lower-case letters a to z and single hyphens,
// dropping apostrophes: "Jean-Pierre" gives "jean-pierre", "D'Angelo"
// gives "dangelo", "van der Meer" gives "van-der-meer".
func fold(name string) string {
	var sb strings.Builder
	apart := false // a hyphen is due before the next letter
	for _, c := range strings.ToLower(name) {
		s, ok := asciiFold[c]
		switch {
		case ok:
		case c >= 'a' && c <= 'z':
			s = string(c)
		case c == '\'' || c == '’':
			continue
		default: // spaces, hyphens and anything else part words
			apart = sb.Len() > 0
			continue
		}
		if apart {
			sb.WriteByte('-')
			apart = false
		}
		sb.WriteString(s)
	}
	return sb.String()
}

// feminine gives a Polish surname its feminine form: Kowalski, Kowalska.
func feminine(last string) string {
	words := strings.Fields(last)
	for i, w := range words {
		for _, end := range []string{"ski", "cki", "dzki"} {
			if strings.HasSuffix(w, end) {
				words[i] = strings.TrimSuffix(w, "i") + "a"
				break
			}
		}
	}
	return strings.Join(words, " ")
}

// Password returns a new random password for the demo members: four words
// of the embedded list and a number, from crypto/rand, such as
// "harbour-violet-kettle-tulip-47".
func Password() (string, error) {
	cat, err := loadCatalog()
	if err != nil {
		return "", err
	}
	draw := func(n int) (int, error) {
		x, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
		if err != nil {
			return 0, fmt.Errorf("demo password: %w", err)
		}
		return int(x.Int64()), nil
	}
	parts := make([]string, 0, 5)
	for range 4 {
		i, err := draw(len(cat.words))
		if err != nil {
			return "", err
		}
		parts = append(parts, cat.words[i])
	}
	n, err := draw(90)
	if err != nil {
		return "", err
	}
	return strings.Join(append(parts, strconv.Itoa(10+n)), "-"), nil
}

// randomMonth draws a month of the year between from and to.
func randomMonth(r *mrand.Rand, from, to time.Month) time.Month {
	return from + time.Month(r.IntN(int(to-from)+1))
}

// monthsBetween counts the months from a to b.
func monthsBetween(a, b rapport.Month) int {
	return (b.Year-a.Year)*12 + int(b.Month) - int(a.Month)
}

// addMonths returns the month n months after m.
func addMonths(m rapport.Month, n int) rapport.Month {
	k := m.Year*12 + int(m.Month) - 1 + n
	return rapport.Month{Year: k / 12, Month: time.Month(k%12 + 1)}
}

// postOpenings and postTopics make the text of demo posts.
var (
	postOpenings = []string{
		"Excited to share that", "Happy to announce that", "A small milestone:", "Looking back on this year,",
		"Proud of the team:", "Lesson learned this week:", "Quick thought:", "Grateful that",
	}
	postTopics = []string{
		"we shipped the new release after months of work.", "our project reached its first thousand users.",
		"I spoke about %s at a local meetup.", "I am learning more about %s every day.",
		"we are hiring people who know %s.", "mentoring juniors teaches me as much as them.",
		"good documentation saves more time than any tool.", "%s turned out to matter more than I expected.",
	}
)

// PostText makes the text of a demo post, about one of the general skills
// of the catalog where the text names one.
func (g *Generator) PostText() string {
	r := g.rng
	topic := postTopics[r.IntN(len(postTopics))]
	if strings.Contains(topic, "%s") {
		topic = fmt.Sprintf(topic, g.cat.general[r.IntN(len(g.cat.general))])
	}
	return postOpenings[r.IntN(len(postOpenings))] + " " + topic
}

// Intn returns a number in [0, n) from the generator's own random source,
// so that what is drawn with it comes out the same for the same seed.
func (g *Generator) Intn(n int) int { return g.rng.IntN(n) }
