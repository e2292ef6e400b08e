// Package service holds Rapport's rules: who may do what, and what follows
// from it. Every promise of the product lives here, in one place, between
// the web layer that parses requests and the store that keeps the data.
package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/mail"
	"github.com/rapportnet/rapport/search"
	"github.com/rapportnet/rapport/store"
	"github.com/rapportnet/rapport/timeline"
)

// Config holds the settings of the rules that a site may change.
type Config struct {
	BaseURL               string        // the site's address, for links in mail
	SessionIdle           time.Duration // a session unused this long ends
	SessionMax            time.Duration // a session ends this long after sign-in, used or not
	ResetTTL              time.Duration // how long a password-reset link works
	LoginWindow           time.Duration // the window failed sign-ins are counted in
	MaxAccountFailures    int           // failed sign-ins for one account within the window
	MaxAddressFailures    int           // failed sign-ins from one network address within the window
	MaxConcurrentHashes   int           // password hashes computed at once (each takes 19 MiB)
	MaxInvitationsPerWeek int           // invitations one member sends in a rolling 7 days
	MaxConnections        int           // connections one member has at most
	// AppealsAddress is where replies to moderation mail go, so that a
	// member can appeal by replying; the site's From address when "".
	AppealsAddress string
	// SecretKey (SecretKeySize bytes) seals the secrets the store keeps to
	// use again, such as TOTP secrets; without one they are kept as they
	// are.
	SecretKey []byte
	// SQLGraph answers the degree and mutual count of profiles in SQL rather
	// than from the graph index: only to measure what the index saves.
	SQLGraph bool
}

// DefaultConfig returns the settings a site starts with.
func DefaultConfig() Config {
	return Config{
		BaseURL:               "http://localhost:8080",
		SessionIdle:           30 * 24 * time.Hour,
		SessionMax:            365 * 24 * time.Hour,
		ResetTTL:              time.Hour,
		LoginWindow:           15 * time.Minute,
		MaxAccountFailures:    10,
		MaxAddressFailures:    30,
		MaxConcurrentHashes:   4,
		MaxInvitationsPerWeek: 100,
		MaxConnections:        30000,
	}
}

// Services bundles the services a site runs.
type Services struct {
	Accounts      *Accounts
	Profiles      *Profiles
	Network       *Network
	Search        *Search
	Organizations *Organizations
	Seats         *Seats
	Recruiter     *Recruiter
	InMail        *InMail
	Posts         *Posts
	Messages      *Messages
	Notifications *Notifications
	Contacts      *Contacts
	Exports       *Exports
	Imports       *Imports
	Moderation    *Moderation
}

// Indexes are the in-memory indexes kept beside the store, each built from
// it at start (BuildGraph, BuildSearch, BuildOrganizations,
// BuildTimelines). A nil one starts empty.
type Indexes struct {
	Graph         *graph.Index
	Search        *search.Index
	Organizations *search.Organizations
	Timelines     *timeline.Index
}

// New wires the services over one store and the indexes built from it.
func New(db *store.DB, ix Indexes, sender mail.Sender, cfg Config, log *slog.Logger) *Services {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxConcurrentHashes < 1 {
		cfg.MaxConcurrentHashes = 1
	}
	if ix.Graph == nil {
		ix.Graph = graph.New()
	}
	if ix.Search == nil {
		ix.Search = search.New()
	}
	if ix.Organizations == nil {
		ix.Organizations = search.NewOrganizations()
	}
	if ix.Timelines == nil {
		ix.Timelines = timeline.New()
	}
	base := base{db: db, graph: ix.Graph, search: ix.Search, orgs: ix.Organizations, timelines: ix.Timelines, profiles: newProfileCache(),
		reindexing: &sync.Mutex{}, streams: newStreams(), now: time.Now, log: log}
	people := &Search{base: base, circles: newCircleCache(ix.Graph)}
	sealer, err := newSealer(cfg.SecretKey)
	if err != nil {
		panic("service: " + err.Error()) // the command checks the key first (ReadSecretKey)
	}
	accounts := &Accounts{base: base, mail: sender, cfg: cfg, hashing: make(chan struct{}, cfg.MaxConcurrentHashes), sealer: sealer}
	profiles := &Profiles{base: base, sqlGraph: cfg.SQLGraph, views: newViewLog()}
	network := &Network{base: base, cfg: cfg}
	contacts := &Contacts{base: base}
	posts, messages, inmail := &Posts{base: base}, &Messages{base: base}, &InMail{base: base}
	return &Services{
		Accounts:      accounts,
		Profiles:      profiles,
		Network:       network,
		Search:        people,
		Organizations: &Organizations{base: base},
		Seats:         &Seats{base: base},
		Recruiter:     &Recruiter{base: base, people: people},
		InMail:        inmail,
		Posts:         posts,
		Messages:      messages,
		Notifications: &Notifications{base: base},
		Contacts:      contacts,
		Exports:       &Exports{base: base, accounts: accounts, baseURL: cfg.BaseURL, builds: make(chan struct{}, maxBuilds)},
		Imports:       &Imports{base: base, profiles: profiles, contacts: contacts, network: network},
		Moderation:    &Moderation{base: base, posts: posts, messages: messages, inmail: inmail, mail: sender, cfg: cfg},
	}
}

// Graph returns the graph index the services keep beside the store.
func (s *Services) Graph() *graph.Index { return s.Network.graph }

// SetClock replaces the clock of every service; tests move time with it.
func (s *Services) SetClock(now func() time.Time) {
	s.Accounts.now = now
	s.Profiles.now = now
	s.Network.now = now
	s.Search.now = now
	s.Organizations.now = now
	s.Seats.now = now
	s.Recruiter.now = now
	s.InMail.now = now
	s.Posts.now = now
	s.Messages.now = now
	s.Notifications.now = now
	s.Contacts.now = now
	s.Exports.now = now
	s.Imports.now = now
	s.Moderation.now = now
}

// base is what every service has.
type base struct {
	db     *store.DB
	graph  *graph.Index  // beside the store: updated after each committed change
	search *search.Index // the same
	orgs   *search.Organizations
	// timelines orders the posts of each member and organization for the
	// home feed; beside the store like the graph.
	timelines *timeline.Index
	// profiles keeps profiles for showing them, dropped by every change
	// (profileChanged); shared by every service.
	profiles *profileCache
	// reindexing lets one member at a time be read and put into the
	// search index (see indexMember).
	reindexing *sync.Mutex
	// streams are the live streams of open pages in this process.
	streams *streams
	now     func() time.Time
	log     *slog.Logger
}

// member returns the signed-in caller. Returns EUNAUTHORIZED for an
// anonymous one.
func member(ctx context.Context) (rapport.Caller, error) {
	c := rapport.CallerFromContext(ctx)
	if c.Anonymous() {
		return c, rapport.Errorf(rapport.EUNAUTHORIZED, "Sign in first.")
	}
	return c, nil
}

// Secret prefixes say what a token is, so that a leaked one is recognised
// by secret scanners and by us.
const (
	sessionPrefix     = "rps_"
	accessTokenPrefix = "rpat_"
	resetPrefix       = "rpr_"
)

// newSecret returns a 256-bit random token with a prefix, and the SHA-256
// hash under which it is stored.
func newSecret(prefix string) (token, hash string) {
	var b [32]byte
	rand.Read(b[:]) // never fails; see crypto/rand
	token = prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashSecret(token)
}

// hashSecret returns the hex SHA-256 of a token. A fast hash is right here:
// the token has 256 bits of entropy, so there is nothing to guess.
func hashSecret(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
