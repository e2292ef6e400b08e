package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

type messageStartRequest struct {
	To   []string `json:"to"`
	Body string   `json:"body"`
}

type messageRequest struct {
	Body string `json:"body"`
}

// directMessageResponse is a message; its sender is null for a former member.
type directMessageResponse struct {
	ID        int64               `json:"id"`
	Sender    *memberCardResponse `json:"sender"`
	Body      string              `json:"body"`
	CreatedAt time.Time           `json:"created_at"`
}

type threadMemberResponse struct {
	memberCardResponse
	Left bool `json:"left"`
}

type threadResponse struct {
	ID        int64                   `json:"id"`
	Members   []threadMemberResponse  `json:"members"`
	Unread    int                     `json:"unread"`
	Last      *directMessageResponse  `json:"last,omitempty"`
	Messages  []directMessageResponse `json:"messages,omitempty"`
	UpdatedAt time.Time               `json:"updated_at"`
	URL       string                  `json:"url"`
}

type threadListResponse struct {
	Threads []threadResponse `json:"threads"`
	Unread  int              `json:"unread"` // threads with unread messages
}

func (s *Server) threadCards(r *http.Request, threads ...*rapport.Thread) cards {
	var members []*rapport.Member
	for _, t := range threads {
		for _, tm := range t.Members {
			members = append(members, tm.Member)
		}
	}
	return s.cardsFor(r, members...)
}

func (s *Server) newDirectMessageResponse(c cards, m *rapport.Message) directMessageResponse {
	return directMessageResponse{ID: m.ID, Sender: c.cardOf(m.Sender), Body: m.Body, CreatedAt: m.CreatedAt}
}

func (s *Server) newThreadResponse(c cards, t *rapport.Thread, withMessages bool) threadResponse {
	out := threadResponse{ID: t.ID, Members: []threadMemberResponse{}, Unread: t.Unread, UpdatedAt: t.UpdatedAt,
		URL: s.cfg.BaseURL + "/messages/" + strconv.FormatInt(t.ID, 10)}
	for _, tm := range t.Members {
		out.Members = append(out.Members, threadMemberResponse{memberCardResponse: c.card(tm.Member), Left: tm.Left})
	}
	if t.Last != nil {
		m := s.newDirectMessageResponse(c, t.Last)
		out.Last = &m
	}
	if withMessages {
		out.Messages = []directMessageResponse{}
		for i := range t.Messages {
			out.Messages = append(out.Messages, s.newDirectMessageResponse(c, &t.Messages[i]))
		}
	}
	return out
}

func (s *Server) handleAPIThreads(w http.ResponseWriter, r *http.Request) error {
	list, unread, err := s.svc.Messages.Threads(r.Context())
	if err != nil {
		return err
	}
	c := s.threadCards(r, list...)
	out := threadListResponse{Threads: []threadResponse{}, Unread: unread}
	for _, t := range list {
		out.Threads = append(out.Threads, s.newThreadResponse(c, t, false))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIThreadStart(w http.ResponseWriter, r *http.Request) error {
	var req messageStartRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	t, err := s.svc.Messages.Start(r.Context(), req.To, req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.newThreadResponse(s.threadCards(r, t), t, true))
	return nil
}

func (s *Server) handleAPIThread(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.svc.Messages.Thread(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.newThreadResponse(s.threadCards(r, t), t, true))
	return nil
}

func (s *Server) handleAPIMessageSend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req messageRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	m, err := s.svc.Messages.Send(r.Context(), id, req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.newDirectMessageResponse(s.cardsFor(r, m.Sender), m))
	return nil
}

func (s *Server) handleAPIThreadRead(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Messages.MarkRead)
}

func (s *Server) handleAPIThreadLeave(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Messages.Leave)
}

// notificationResponse is a notification with the sentence the pages show
// and where it leads.
type notificationResponse struct {
	ID           int64               `json:"id"`
	Kind         string              `json:"kind"`
	Actor        *memberCardResponse `json:"actor"`
	Organization *organizationCard   `json:"organization"`
	Text         string              `json:"text"`
	URL          string              `json:"url"`
	ThreadID     *int64              `json:"thread_id,omitempty"`
	Read         bool                `json:"read"`
	CreatedAt    time.Time           `json:"created_at"`
}

type notificationListResponse struct {
	Notifications []notificationResponse `json:"notifications"`
	Unread        int                    `json:"unread"`
	NextBefore    *int64                 `json:"next_before"`
}

// notificationText is what a notification says, and the page it leads to.
func (s *Server) notificationText(n *rapport.Notification) (text, path string) {
	who := "Someone"
	if n.Actor != nil {
		who = n.Actor.DisplayName
	}
	org := ""
	if n.Organization != nil {
		org = n.Organization.Name
	}
	post := "/posts/" + strconv.FormatInt(n.PostID, 10)
	switch n.Kind {
	case rapport.NotifyInvitationReceived:
		return who + " invited you to connect.", "/network"
	case rapport.NotifyInvitationAccepted:
		return who + " accepted your invitation. You are connected.", "/in/" + n.Actor.Handle
	case rapport.NotifyComment:
		return who + " commented on your post.", post
	case rapport.NotifyReaction:
		return fmt.Sprintf("%s reacted to your post (%s).", who, n.Reaction), post
	case rapport.NotifyMention:
		return who + " mentioned you in a post.", post
	case rapport.NotifyMessage:
		return who + " sent you a message.", "/messages/" + strconv.FormatInt(n.ThreadID, 10)
	case rapport.NotifySeatAssigned:
		return org + " offered you a seat.", "/seats"
	case rapport.NotifySeatRevoked:
		return org + " took back your seat.", "/seats"
	}
	return "Something happened.", "/notifications"
}

func (s *Server) newNotificationResponse(c cards, n *rapport.Notification) notificationResponse {
	text, path := s.notificationText(n)
	out := notificationResponse{ID: n.ID, Kind: n.Kind, Actor: c.cardOf(n.Actor), Organization: s.orgCard(n.Organization),
		Text: text, URL: s.cfg.BaseURL + path, Read: n.Read, CreatedAt: n.CreatedAt}
	if n.ThreadID != 0 {
		out.ThreadID = &n.ThreadID
	}
	return out
}

func (s *Server) notificationCards(r *http.Request, list []*rapport.Notification) cards {
	var members []*rapport.Member
	for _, n := range list {
		members = append(members, n.Actor)
	}
	return s.cardsFor(r, members...)
}

func (s *Server) handleAPINotifications(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := checkParams(q, "before"); err != nil {
		return err
	}
	var before int64
	if v := q.Get("before"); v != "" {
		var err error
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before <= 0 {
			return rapport.FieldError("before", "Give the id of a notification, as the next_before of a page.")
		}
	}
	page, err := s.svc.Notifications.List(r.Context(), before)
	if err != nil {
		return err
	}
	c := s.notificationCards(r, page.Notifications)
	out := notificationListResponse{Notifications: []notificationResponse{}, Unread: page.Unread}
	for _, n := range page.Notifications {
		out.Notifications = append(out.Notifications, s.newNotificationResponse(c, n))
	}
	if page.Next != 0 {
		out.NextBefore = &page.Next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPINotificationsRead(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Notifications.MarkRead(r.Context(), 0); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPINotificationRead(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Notifications.MarkRead)
}

func (s *Server) handleAPIUnread(w http.ResponseWriter, r *http.Request) error {
	counts, err := s.svc.Notifications.Unread(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, counts)
	return nil
}

// handleAPINotificationStream keeps a page up to date: server-sent events
// "counts" (the unread counts) at once and whenever they may have changed,
// and "notification" for each new notification. A comment line every
// heartbeat keeps proxies from closing the connection, and is when the
// stream checks that its session, account and seat still stand. An "end"
// event closes the stream at logout, account closure or seat revocation;
// the page then stops listening.
func (s *Server) handleAPINotificationStream(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.svc.Notifications.OpenStream(ctx)
	if err != nil {
		return err
	}
	defer s.svc.Notifications.CloseStream(st)
	rc := http.NewResponseController(w)
	// The stream outlives the server's write timeout, by design.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		return fmt.Errorf("notification stream: %w", err)
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	event := func(name string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b); err != nil {
			return err
		}
		return rc.Flush()
	}
	// Notifications newer than seen are sent as they come.
	var seen int64
	update := func(first bool) error {
		page, err := s.svc.Notifications.List(ctx, 0)
		if err != nil {
			return err
		}
		var fresh []*rapport.Notification
		for _, n := range page.Notifications {
			if n.ID > seen && !first {
				fresh = append([]*rapport.Notification{n}, fresh...)
			}
		}
		if len(page.Notifications) > 0 && page.Notifications[0].ID > seen {
			seen = page.Notifications[0].ID
		}
		c := s.notificationCards(r, fresh)
		for _, n := range fresh {
			if err := event("notification", s.newNotificationResponse(c, n)); err != nil {
				return err
			}
		}
		counts, err := s.svc.Notifications.Unread(ctx)
		if err != nil {
			return err
		}
		return event("counts", counts)
	}
	end := func(reason string) error {
		return event("end", map[string]string{"reason": reason})
	}
	if err := update(true); err != nil {
		return nil // the answer has begun: there is no error page to send
	}
	heartbeat := time.NewTicker(s.cfg.StreamHeartbeat)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-st.Done:
			end("Your session, account or seat has ended.")
			return nil
		case <-st.Wake:
			if err := update(false); err != nil {
				return nil
			}
		case <-heartbeat.C:
			if err := s.svc.Notifications.CheckStream(ctx, st); err != nil {
				end(rapport.ErrorMessage(err))
				return nil
			}
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
			// Notifications made by other processes arrive here.
			if err := update(false); err != nil {
				return nil
			}
		}
	}
}

type profileViewResponse struct {
	Viewer   *memberCardResponse `json:"viewer"` // null when not shown by name
	Private  bool                `json:"private"`
	ViewedAt time.Time           `json:"viewed_at"`
}

type profileViewsResponse struct {
	Mode  string                `json:"mode"`
	Days  int                   `json:"days"`
	Views []profileViewResponse `json:"views"`
}

// viewingJSON is how a member views profiles, asked and answered.
type viewingJSON struct {
	Mode string `json:"mode"`
}

func (s *Server) handleAPIProfileViews(w http.ResponseWriter, r *http.Request) error {
	list, mode, err := s.svc.Profiles.ProfileViews(r.Context())
	if err != nil {
		return err
	}
	var members []*rapport.Member
	for _, v := range list {
		members = append(members, v.Viewer)
	}
	c := s.cardsFor(r, members...)
	out := profileViewsResponse{Mode: mode, Days: rapport.ProfileViewDays, Views: []profileViewResponse{}}
	for _, v := range list {
		out.Views = append(out.Views, profileViewResponse{Viewer: c.cardOf(v.Viewer), Private: v.Private, ViewedAt: v.ViewedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIProfileViewing(w http.ResponseWriter, r *http.Request) error {
	mode, err := s.svc.Profiles.ProfileViewing(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewingJSON{Mode: mode})
	return nil
}

func (s *Server) handleAPIProfileViewingPut(w http.ResponseWriter, r *http.Request) error {
	var req viewingJSON
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Profiles.SetProfileViewing(r.Context(), req.Mode); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}

// unreadCounts are the header's badges, for a signed-in member.
func (s *Server) unreadCounts(r *http.Request) *service.Counts {
	counts, err := s.svc.Notifications.Unread(r.Context())
	if err != nil {
		s.log.Error("unread counts", "err", err)
		return nil
	}
	return &counts
}
