package search

import (
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// Organizations is the index of organization pages, for the search and the
// typeahead: the machinery of the member index, where an organization's
// name stands for a member's name, its tagline for a headline, its industry
// for a current organization (so that the industry filter is the current
// organization filter) and its location for a location.
//
// It keeps each organization as well, so that what a search finds is
// answered without reading the store: organizations are few, and the
// typeahead asks at every keystroke.
type Organizations struct {
	ix    *Index
	mu    sync.RWMutex
	cards map[int64]Organization
}

// NewOrganizations returns an empty index of organizations.
func NewOrganizations() *Organizations {
	return &Organizations{ix: New(), cards: map[int64]Organization{}}
}

// Organization is what the index knows of an organization page.
type Organization struct {
	ID                                      int64
	Slug, Name, Tagline, Industry, Location string
}

// Put adds an organization, or replaces what the index has of it.
func (o *Organizations) Put(org Organization) error {
	d := Doc{MemberID: org.ID, Name: org.Name, Headline: org.Tagline, Location: org.Location}
	if org.Industry != "" {
		d.Positions = []Position{{Organization: org.Industry, Current: true}}
	}
	if err := o.ix.Put(d); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.cards[org.ID] = org
	return nil
}

// Cards returns the organizations with the given ids, in that order,
// leaving out ids the index does not hold.
func (o *Organizations) Cards(ids []int64) []Organization {
	o.mu.RLock()
	defer o.mu.RUnlock()
	out := make([]Organization, 0, len(ids))
	for _, id := range ids {
		if c, ok := o.cards[id]; ok {
			out = append(out, c)
		}
	}
	return out
}

// Len returns how many organizations the index holds.
func (o *Organizations) Len() int { return o.ix.Stats().Members }

// Search returns the organizations matching every word of text (in the
// name, tagline, industry or location; the last word may be typed in part,
// and a word may carry a typo as in member search) and the filters.
func (o *Organizations) Search(text, industry, location string) Matches {
	return o.ix.Search(Query{Text: text, CurrentOrganization: industry, Location: location, SignedIn: true})
}

// Typeahead returns the organizations whose name has, for every word of
// text, a word beginning with it.
func (o *Organizations) Typeahead(text string) *roaring.Bitmap { return o.ix.Typeahead(text, true) }
