package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
)

// actor is a signed-in member the load plays.
type actor struct {
	Token   string
	Contact string // the handle of one of their connections, to write to
}

// fixtures are what the requests are made of, read from the site.
type fixtures struct {
	Actors  []actor
	Handles []string // members whose profiles and mutuals are read, and who are invited
	Posts   []int64  // public posts to comment on and react to
	Words   []string // search words: names, places, skills
}

// call is one request, ready to send.
type call struct {
	Op     int // index in mix
	Method string
	Path   string // with the query string
	Body   []byte // JSON, or nil
	Token  string
}

// op is one kind of request of the mix, named by its route.
type op struct {
	Route  string // method and pattern, as in the route table
	Weight int    // requests in a thousand
	Write  bool
	build  func(f *fixtures, a actor, rnd *rand.Rand) (path string, body any)
}

// reactions are those a member may leave on a post.
var reactions = []string{"like", "celebrate", "support", "insightful", "funny"}

var howMet = []string{"colleague", "classmate", "business", "friend", "other"}

// mix is the workload: 80% reads (profiles, the feed, search, the network)
// and 20% writes, in requests in a thousand.
var mix = []op{
	{Route: "GET /api/v1/members/{handle}", Weight: 300, build: func(f *fixtures, a actor, rnd *rand.Rand) (string, any) {
		return "/api/v1/members/" + url.PathEscape(pick(rnd, f.Handles)), nil
	}},
	{Route: "GET /api/v1/feed", Weight: 200, build: func(f *fixtures, a actor, rnd *rand.Rand) (string, any) {
		return "/api/v1/feed", nil
	}},
	{Route: "GET /api/v1/search/members", Weight: 100, build: func(f *fixtures, a actor, rnd *rand.Rand) (string, any) {
		return "/api/v1/search/members?q=" + url.QueryEscape(pick(rnd, f.Words)), nil
	}},
	{Route: "GET /api/v1/me/connections", Weight: 100, build: func(f *fixtures, a actor, rnd *rand.Rand) (string, any) {
		return "/api/v1/me/connections", nil
	}},
	{Route: "GET /api/v1/members/{handle}/mutuals", Weight: 100, build: func(f *fixtures, a actor, rnd *rand.Rand) (string, any) {
		return "/api/v1/members/" + url.PathEscape(pick(rnd, f.Handles)) + "/mutuals", nil
	}},
	{Route: "POST /api/v1/posts", Weight: 50, Write: true, build: func(f *fixtures, a actor, rnd *rand.Rand) (string, any) {
		audience := "public"
		if rnd.IntN(3) == 0 {
			audience = "connections"
		}
		return "/api/v1/posts", map[string]string{"body": "A note from the load run, number " + strconv.Itoa(rnd.IntN(1e9)) + ".", "audience": audience}
	}},
	{Route: "POST /api/v1/posts/{id}/comments", Weight: 50, Write: true, build: func(f *fixtures, a actor, rnd *rand.Rand) (string, any) {
		return "/api/v1/posts/" + strconv.FormatInt(pick(rnd, f.Posts), 10) + "/comments", map[string]string{"body": "Well said."}
	}},
	{Route: "PUT /api/v1/posts/{id}/reaction", Weight: 40, Write: true, build: func(f *fixtures, a actor, rnd *rand.Rand) (string, any) {
		return "/api/v1/posts/" + strconv.FormatInt(pick(rnd, f.Posts), 10) + "/reaction", map[string]string{"reaction": pick(rnd, reactions)}
	}},
	{Route: "POST /api/v1/messages", Weight: 40, Write: true, build: func(f *fixtures, a actor, rnd *rand.Rand) (string, any) {
		return "/api/v1/messages", map[string]any{"to": []string{a.Contact}, "body": "Are you free for a call this week?"}
	}},
	{Route: "POST /api/v1/invitations", Weight: 20, Write: true, build: func(f *fixtures, a actor, rnd *rand.Rand) (string, any) {
		return "/api/v1/invitations", map[string]string{"to": pick(rnd, f.Handles), "how_met": pick(rnd, howMet)}
	}},
}

func pick[T any](rnd *rand.Rand, list []T) T { return list[rnd.IntN(len(list))] }

// picker draws ops in proportion to their weights.
type picker struct {
	cum   []int // cumulative weights
	total int
}

func newPicker(ops []op) picker {
	p := picker{cum: make([]int, len(ops))}
	for i, o := range ops {
		p.total += o.Weight
		p.cum[i] = p.total
	}
	return p
}

func (p picker) pick(rnd *rand.Rand) int {
	n := rnd.IntN(p.total)
	for i, c := range p.cum {
		if n < c {
			return i
		}
	}
	panic("unreachable")
}

// next makes the next request of the mix, as an actor drawn at random.
func (p picker) next(f *fixtures, rnd *rand.Rand) call {
	i := p.pick(rnd)
	a := pick(rnd, f.Actors)
	path, body := mix[i].build(f, a, rnd)
	c := call{Op: i, Method: method(mix[i].Route), Path: path, Token: a.Token}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			panic(fmt.Sprintf("%s: %v", mix[i].Route, err))
		}
		c.Body = b
	}
	return c
}

func method(route string) string {
	for i := range route {
		if route[i] == ' ' {
			return route[:i]
		}
	}
	return route
}
