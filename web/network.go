package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

// memberCardResponse is a member in a list, placed relative to the caller:
// degree 1, 2, 3 or null, and the connections the two share.
type memberCardResponse struct {
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	Headline    string `json:"headline"`
	URL         string `json:"url"`
	Degree      *int   `json:"degree"`
	MutualCount int    `json:"mutual_count"`
}

// invitationResponse is an invitation as one of its two members sees it.
// It holds nothing that changes when the recipient ignores it (no update
// time, no "don't know"), so that the sender's view of an ignored
// invitation is byte for byte the view of a pending one.
type invitationResponse struct {
	ID          int64              `json:"id"`
	From        memberCardResponse `json:"from"`
	To          memberCardResponse `json:"to"`
	HowMet      string             `json:"how_met"`
	PositionID  *int64             `json:"position_id"`
	EducationID *int64             `json:"education_id"`
	Note        string             `json:"note"`
	Status      string             `json:"status"`
	CreatedAt   time.Time          `json:"created_at"`
	ExpiresAt   time.Time          `json:"expires_at"`
}

type inviteResponse struct {
	Invitation invitationResponse `json:"invitation"`
	Connected  bool               `json:"connected"`
}

// connectionResponse is a connection; note and tags are there only in the
// caller's own list.
type connectionResponse struct {
	Member      memberCardResponse `json:"member"`
	ConnectedAt time.Time          `json:"connected_at"`
	Note        *string            `json:"note,omitempty"`
	Tags        []string           `json:"tags,omitempty"`
}

type connectionNoteRequest struct {
	Note string   `json:"note"`
	Tags []string `json:"tags"`
}

type connectionNoteResponse struct {
	Note string   `json:"note"`
	Tags []string `json:"tags"`
}

type inviteRequest struct {
	To          string `json:"to"`
	HowMet      string `json:"how_met"`
	PositionID  *int64 `json:"position_id"`
	EducationID *int64 `json:"education_id"`
	Note        string `json:"note"`
}

type handleRequest struct {
	Handle string `json:"handle"`
}

// cards makes the cards of one answer: it places all their members
// relative to the caller at once (one circle for the whole list).
type cards struct {
	s   *Server
	rel map[int64]rapport.Relation
}

func (s *Server) cardsFor(r *http.Request, members ...*rapport.Member) cards {
	ids := make([]int64, 0, len(members))
	for _, m := range members {
		if m != nil {
			ids = append(ids, m.ID)
		}
	}
	return cards{s: s, rel: s.svc.Network.Relations(r.Context(), ids)}
}

// cardOf is card for a member who may be missing: nil for nil.
func (c cards) cardOf(m *rapport.Member) *memberCardResponse {
	if m == nil {
		return nil
	}
	card := c.card(m)
	return &card
}

func (c cards) card(m *rapport.Member) memberCardResponse {
	if m == nil {
		return memberCardResponse{}
	}
	rel := c.rel[m.ID]
	out := memberCardResponse{Handle: m.Handle, DisplayName: m.DisplayName, Headline: m.Profile.Headline,
		URL: c.s.profileURL(m.Handle), MutualCount: rel.MutualCount}
	if rel.Degree != 0 {
		out.Degree = &rel.Degree
	}
	return out
}

// newInvitationResponse renders an invitation whose status the service has
// set to what the caller may see.
func (s *Server) newInvitationResponse(c cards, inv *rapport.Invitation) invitationResponse {
	out := invitationResponse{ID: inv.ID, From: c.card(inv.Sender), To: c.card(inv.Recipient), HowMet: inv.HowMet,
		Note: inv.Note, Status: inv.Status, CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt()}
	if inv.PositionID != 0 {
		out.PositionID = &inv.PositionID
	}
	if inv.EducationID != 0 {
		out.EducationID = &inv.EducationID
	}
	return out
}

func (s *Server) invitationList(w http.ResponseWriter, r *http.Request, list []*rapport.Invitation) {
	var members []*rapport.Member
	for _, inv := range list {
		members = append(members, inv.Sender, inv.Recipient)
	}
	c := s.cardsFor(r, members...)
	out := []invitationResponse{}
	for _, inv := range list {
		out = append(out, s.newInvitationResponse(c, inv))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAPIInvitationCreate(w http.ResponseWriter, r *http.Request) error {
	var req inviteRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	in := service.Invite{To: req.To, HowMet: req.HowMet, Note: req.Note}
	if req.PositionID != nil {
		in.PositionID = *req.PositionID
	}
	if req.EducationID != nil {
		in.EducationID = *req.EducationID
	}
	inv, connected, err := s.svc.Network.Invite(r.Context(), in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if connected {
		status = http.StatusOK
	}
	writeJSON(w, status, inviteResponse{Invitation: s.newInvitationResponse(s.cardsFor(r, inv.Sender, inv.Recipient), inv), Connected: connected})
	return nil
}

func (s *Server) handleAPIInvitationsReceived(w http.ResponseWriter, r *http.Request) error {
	var ignored bool
	switch r.URL.Query().Get("status") {
	case "", rapport.InvitationPending:
	case rapport.InvitationIgnored:
		ignored = true
	default:
		return &rapport.Error{Code: rapport.EINVALID, Field: "status", Message: "Status is pending or ignored."}
	}
	list, err := s.svc.Network.ReceivedInvitations(r.Context(), ignored)
	if err != nil {
		return err
	}
	s.invitationList(w, r, list)
	return nil
}

func (s *Server) handleAPIInvitationsSent(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Network.SentInvitations(r.Context())
	if err != nil {
		return err
	}
	s.invitationList(w, r, list)
	return nil
}

func (s *Server) handleAPIInvitationAccept(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Network.Accept)
}

func (s *Server) handleAPIInvitationIgnore(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Network.Ignore)
}

func (s *Server) handleAPIInvitationDontKnow(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Network.DontKnow)
}

func (s *Server) handleAPIInvitationWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Network.Withdraw)
}

func (s *Server) handleAPIConnections(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	byName := false
	switch q.Get("sort") {
	case "", "recent":
	case "name":
		byName = true
	default:
		return &rapport.Error{Code: rapport.EINVALID, Field: "sort", Message: "Sort is recent or name."}
	}
	limit, err := queryInt(q.Get("limit"), "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	offset, err := queryInt(q.Get("offset"), "offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	list, err := s.svc.Network.Connections(r.Context(), q.Get("q"), byName, limit, offset)
	if err != nil {
		return err
	}
	cs := s.cardsFor(r, others(list)...)
	out := []connectionResponse{}
	for _, c := range list {
		note := c.Note
		out = append(out, connectionResponse{Member: cs.card(c.Other), ConnectedAt: c.CreatedAt, Note: &note, Tags: c.Tags})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIConnectionNote(w http.ResponseWriter, r *http.Request) error {
	var req connectionNoteRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	note, tags, err := s.svc.Network.UpdateConnectionNote(r.Context(), r.PathValue("handle"), req.Note, req.Tags)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, connectionNoteResponse{Note: note, Tags: tags})
	return nil
}

func (s *Server) handleAPIMemberConnections(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := queryInt(q.Get("limit"), "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	offset, err := queryInt(q.Get("offset"), "offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	list, err := s.svc.Network.MemberConnections(r.Context(), r.PathValue("handle"), limit, offset)
	if err != nil {
		return err
	}
	cs := s.cardsFor(r, others(list)...)
	out := []connectionResponse{}
	for _, c := range list {
		out = append(out, connectionResponse{Member: cs.card(c.Other), ConnectedAt: c.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIConnectionDelete(w http.ResponseWriter, r *http.Request) error {
	return s.onPathHandle(w, r, s.svc.Network.RemoveConnection)
}

// onPathHandle runs an action on the member named by the path's {handle}
// and answers 204.
func (s *Server) onPathHandle(w http.ResponseWriter, r *http.Request, action func(context.Context, string) error) error {
	if err := action(r.Context(), r.PathValue("handle")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// onBodyHandle runs an action on the member named by the body's handle and
// answers 204.
func (s *Server) onBodyHandle(w http.ResponseWriter, r *http.Request, action func(context.Context, string) error) error {
	var req handleRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := action(r.Context(), req.Handle); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPIBlocks(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Network.Blocked(r.Context())
	return s.writeCards(w, r, list, err)
}

func (s *Server) handleAPIBlockCreate(w http.ResponseWriter, r *http.Request) error {
	return s.onBodyHandle(w, r, s.svc.Network.Block)
}

func (s *Server) handleAPIBlockDelete(w http.ResponseWriter, r *http.Request) error {
	return s.onPathHandle(w, r, s.svc.Network.Unblock)
}

// noContent runs an action on the invitation of the path and answers 204.
func (s *Server) noContent(w http.ResponseWriter, r *http.Request, action func(ctx context.Context, id int64) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := action(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// queryInt reads an integer query parameter within bounds.
func queryInt(v, field string, def, min, max int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, &rapport.Error{Code: rapport.EINVALID, Field: field, Message: field + " is a whole number from " + strconv.Itoa(min) + " to " + strconv.Itoa(max) + "."}
	}
	return n, nil
}

type suggestionResponse struct {
	Member      memberCardResponse `json:"member"`
	MutualCount int                `json:"mutual_count"`
	Reason      string             `json:"reason"`
}

type mutualsResponse struct {
	Total   int                  `json:"total"`
	Members []memberCardResponse `json:"members"`
}

type pathResponse struct {
	Path []memberCardResponse `json:"path"`
}

// mutualReason says why a member is suggested.
func mutualReason(n int) string {
	if n == 1 {
		return "1 mutual connection"
	}
	return strconv.Itoa(n) + " mutual connections"
}

// suggestionReason says why a member is suggested: "14 mutual
// connections · also at Acme".
func suggestionReason(sg service.Suggestion) string {
	var parts []string
	if sg.MutualCount > 0 {
		parts = append(parts, mutualReason(sg.MutualCount))
	}
	if len(sg.Organizations) > 0 {
		parts = append(parts, "also at "+strings.Join(sg.Organizations, ", "))
	}
	if len(sg.Schools) > 0 {
		parts = append(parts, "also studied at "+strings.Join(sg.Schools, ", "))
	}
	reason := strings.Join(parts, " · ")
	if reason == "" {
		return reason
	}
	return strings.ToUpper(reason[:1]) + reason[1:]
}

func (s *Server) handleAPISuggestions(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r.URL.Query().Get("limit"), "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	list, err := s.svc.Network.Suggestions(r.Context(), limit)
	if err != nil {
		return err
	}
	var members []*rapport.Member
	for _, sg := range list {
		members = append(members, sg.Member)
	}
	cs := s.cardsFor(r, members...)
	out := []suggestionResponse{}
	for _, sg := range list {
		out = append(out, suggestionResponse{Member: cs.card(sg.Member), MutualCount: sg.MutualCount, Reason: suggestionReason(sg)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIMutuals(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := queryInt(q.Get("limit"), "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	offset, err := queryInt(q.Get("offset"), "offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	list, total, err := s.svc.Network.Mutuals(r.Context(), r.PathValue("handle"), offset, limit)
	if err != nil {
		return err
	}
	cs := s.cardsFor(r, list...)
	out := mutualsResponse{Total: total, Members: []memberCardResponse{}}
	for _, m := range list {
		out.Members = append(out.Members, cs.card(m))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIPath(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Network.IntroductionPath(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	cs := s.cardsFor(r, list...)
	out := pathResponse{Path: []memberCardResponse{}}
	for _, m := range list {
		out.Path = append(out.Path, cs.card(m))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIFollowing(w http.ResponseWriter, r *http.Request) error {
	return s.memberList(w, r, true)
}

func (s *Server) handleAPIFollowers(w http.ResponseWriter, r *http.Request) error {
	return s.memberList(w, r, false)
}

func (s *Server) memberList(w http.ResponseWriter, r *http.Request, following bool) error {
	list, err := s.svc.Network.Following(r.Context(), following)
	return s.writeCards(w, r, list, err)
}

// writeCards answers with a list of member cards, or the error.
func (s *Server) writeCards(w http.ResponseWriter, r *http.Request, list []*rapport.Member, err error) error {
	if err != nil {
		return err
	}
	cs := s.cardsFor(r, list...)
	out := []memberCardResponse{}
	for _, m := range list {
		out = append(out, cs.card(m))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIFollow(w http.ResponseWriter, r *http.Request) error {
	return s.onBodyHandle(w, r, s.svc.Network.Follow)
}

func (s *Server) handleAPIUnfollow(w http.ResponseWriter, r *http.Request) error {
	return s.onPathHandle(w, r, s.svc.Network.Unfollow)
}

// others returns the other members of a list of connections.
func others(list []*rapport.Connection) []*rapport.Member {
	out := make([]*rapport.Member, len(list))
	for i, c := range list {
		out[i] = c.Other
	}
	return out
}
