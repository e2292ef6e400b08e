package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

// networkPage holds what "My network" shows.
type networkPage struct {
	Received    []*rapport.Invitation
	Ignored     []*rapport.Invitation
	Sent        []*rapport.Invitation
	Connections []*rapport.Connection
	Suggestions []service.Suggestion
	Blocked     []*rapport.Member
	// Relations places every member shown relative to the caller.
	Relations map[int64]rapport.Relation
}

var howMetChoices = []struct{ Value, Label string }{
	{rapport.HowMetColleague, "We work or worked together"},
	{rapport.HowMetClassmate, "We studied together"},
	{rapport.HowMetBusiness, "We did business together"},
	{rapport.HowMetFriend, "Friend"},
	{rapport.HowMetOther, "Other"},
}

func (s *Server) handleNetworkPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var n networkPage
	var err error
	if n.Received, err = s.svc.Network.ReceivedInvitations(ctx, false); err != nil {
		return err
	}
	if n.Ignored, err = s.svc.Network.ReceivedInvitations(ctx, true); err != nil {
		return err
	}
	if n.Sent, err = s.svc.Network.SentInvitations(ctx); err != nil {
		return err
	}
	if n.Connections, err = s.svc.Network.Connections(ctx, r.URL.Query().Get("q"), r.URL.Query().Get("sort") == "name", 200, 0); err != nil {
		return err
	}
	if n.Suggestions, err = s.svc.Network.Suggestions(ctx, 10); err != nil {
		return err
	}
	if n.Blocked, err = s.svc.Network.Blocked(ctx); err != nil {
		return err
	}
	var shown []int64
	for _, inv := range append(append(n.Received, n.Ignored...), n.Sent...) {
		shown = append(shown, inv.SenderID, inv.RecipientID)
	}
	for _, c := range n.Connections {
		shown = append(shown, c.Other.ID)
	}
	for _, sg := range n.Suggestions {
		shown = append(shown, sg.Member.ID)
	}
	n.Relations = s.svc.Network.Relations(ctx, shown)
	data := s.newPage(r, "My network")
	data.Network = &n
	data.Values = map[string]string{"q": r.URL.Query().Get("q"), "sort": r.URL.Query().Get("sort")}
	return s.render(w, http.StatusOK, "network", data)
}

func (s *Server) handleInvitePage(w http.ResponseWriter, r *http.Request) error {
	m, _, err := s.svc.Profiles.Profile(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	data := s.newPage(r, "Invite "+m.DisplayName)
	data.Member, data.HowMet = m, howMetChoices
	data.Values = map[string]string{"to": m.Handle}
	return s.invitePage(w, r, data, nil)
}

// invitePage renders the invite form, with the caller's own positions and
// schools to say where they met, and the error of a refused invitation.
func (s *Server) invitePage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	me, meErr := s.svc.Profiles.Me(r.Context())
	if meErr != nil {
		return meErr
	}
	data.Sender = me
	if err != nil {
		return s.formError(w, r, "invite", data, err)
	}
	return s.render(w, http.StatusOK, "invite", data)
}

func (s *Server) handleInviteSend(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Invite")
	data.Values = formValues(r, "to", "how_met", "note", "position_id", "education_id")
	data.HowMet = howMetChoices
	in := service.Invite{To: data.Values["to"], HowMet: data.Values["how_met"], Note: data.Values["note"]}
	in.PositionID, _ = strconv.ParseInt(data.Values["position_id"], 10, 64)
	in.EducationID, _ = strconv.ParseInt(data.Values["education_id"], 10, 64)
	_, connected, err := s.svc.Network.Invite(r.Context(), in)
	if err != nil {
		m, _, findErr := s.svc.Profiles.Profile(r.Context(), data.Values["to"])
		if findErr != nil {
			return err // the member is out of reach: the same page as for no such member
		}
		data.Member = m
		return s.invitePage(w, r, data, err)
	}
	if connected {
		return redirect(w, r, "/network", "connected")
	}
	return redirect(w, r, "/network", "invited")
}

// invitationPageAction runs one of the invitation actions from a form.
func (s *Server) invitationPageAction(w http.ResponseWriter, r *http.Request, action func(*service.Network) func(context.Context, int64) error, notice string) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := action(s.svc.Network)(r.Context(), id); err != nil {
		return err
	}
	return redirect(w, r, "/network", notice)
}

func (s *Server) handleInvitationAcceptForm(w http.ResponseWriter, r *http.Request) error {
	return s.invitationPageAction(w, r, func(n *service.Network) func(context.Context, int64) error { return n.Accept }, "connected")
}

func (s *Server) handleInvitationIgnoreForm(w http.ResponseWriter, r *http.Request) error {
	return s.invitationPageAction(w, r, func(n *service.Network) func(context.Context, int64) error { return n.Ignore }, "ignored")
}

func (s *Server) handleInvitationDontKnowForm(w http.ResponseWriter, r *http.Request) error {
	return s.invitationPageAction(w, r, func(n *service.Network) func(context.Context, int64) error { return n.DontKnow }, "ignored")
}

func (s *Server) handleInvitationWithdrawForm(w http.ResponseWriter, r *http.Request) error {
	return s.invitationPageAction(w, r, func(n *service.Network) func(context.Context, int64) error { return n.Withdraw }, "withdrawn")
}

func (s *Server) handleConnectionRemoveForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Network.RemoveConnection(r.Context(), r.PathValue("handle")); err != nil {
		return err
	}
	return redirect(w, r, "/network", "removed")
}

func (s *Server) handleBlockForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Network.Block(r.Context(), r.PostFormValue("handle")); err != nil {
		return err
	}
	return redirect(w, r, "/network", "blocked")
}

func (s *Server) handleUnblockForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Network.Unblock(r.Context(), r.PathValue("handle")); err != nil {
		return err
	}
	return redirect(w, r, "/network", "unblocked")
}

// inviteLink is where the Connect button of a profile goes.
func inviteLink(handle string) string { return "/network/invite/" + url.PathEscape(handle) }

func (s *Server) handleConnectionNoteForm(w http.ResponseWriter, r *http.Request) error {
	tags := service.SplitList(r.PostFormValue("tags"))
	if _, _, err := s.svc.Network.UpdateConnectionNote(r.Context(), r.PathValue("handle"), r.PostFormValue("note"), tags); err != nil {
		return err
	}
	return redirect(w, r, "/network", "noted")
}
