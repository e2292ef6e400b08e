package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/rapportnet/rapport"
)

// messagesPage is the inbox, one thread, the notifications or who viewed
// the caller's profile.
type messagesPage struct {
	Threads []*rapport.Thread
	Unread  int
	Thread  *rapport.Thread

	Notifications []notificationView
	MoreBefore    int64 // the before of the next page of notifications; 0 on the last

	Views  []rapport.ProfileView
	Mode   string // how the caller views profiles
	Days   int
	Viewed int // views in all
}

// notificationView is a notification as its page shows it.
type notificationView struct {
	*rapport.Notification
	Text, Path string
}

// threadNames is how a thread is named in lists: its other members.
func threadNames(t *rapport.Thread) string {
	names := make([]string, 0, len(t.Members))
	for _, tm := range t.Members {
		names = append(names, tm.Member.DisplayName)
	}
	if len(names) == 0 {
		return "Only you"
	}
	return strings.Join(names, ", ")
}

// recipients splits what a member typed in the "to" field: handles
// separated by commas or spaces.
func recipients(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' })
}

func (s *Server) messagesPage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	list, unread, listErr := s.svc.Messages.Threads(r.Context())
	if listErr != nil {
		return listErr
	}
	data.Messages = &messagesPage{Threads: list, Unread: unread}
	if data.Values["to"] == "" {
		data.Values["to"] = r.URL.Query().Get("to")
	}
	if err != nil {
		return s.formError(w, r, "messages", data, err)
	}
	return s.render(w, http.StatusOK, "messages", data)
}

func (s *Server) handleMessagesPage(w http.ResponseWriter, r *http.Request) error {
	return s.messagesPage(w, r, s.newPage(r, "Messages"), nil)
}

func (s *Server) handleThreadStartForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Messages")
	data.Values = formValues(r, "to", "body")
	t, err := s.svc.Messages.Start(r.Context(), recipients(data.Values["to"]), data.Values["body"])
	if err != nil {
		return s.messagesPage(w, r, data, err)
	}
	return redirect(w, r, "/messages/"+strconv.FormatInt(t.ID, 10), "")
}

// threadPage shows a thread and marks it read: the member has it before
// their eyes.
func (s *Server) threadPage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	id, getErr := pathID(r)
	if getErr != nil {
		return getErr
	}
	t, getErr := s.svc.Messages.Thread(r.Context(), id)
	if getErr != nil {
		return getErr
	}
	if t.Unread > 0 {
		if getErr := s.svc.Messages.MarkRead(r.Context(), id); getErr != nil {
			return getErr
		}
	}
	data.Title = threadNames(t)
	data.Messages = &messagesPage{Thread: t}
	if err != nil {
		return s.formError(w, r, "thread", data, err)
	}
	return s.render(w, http.StatusOK, "thread", data)
}

func (s *Server) handleThreadPage(w http.ResponseWriter, r *http.Request) error {
	return s.threadPage(w, r, s.newPage(r, "Messages"), nil)
}

func (s *Server) handleMessageSendForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Messages")
	data.Values = formValues(r, "body")
	if _, err := s.svc.Messages.Send(r.Context(), id, data.Values["body"]); err != nil {
		return s.threadPage(w, r, data, err)
	}
	return redirect(w, r, "/messages/"+strconv.FormatInt(id, 10), "")
}

func (s *Server) handleThreadLeaveForm(w http.ResponseWriter, r *http.Request) error {
	return s.onID(w, r, s.svc.Messages.Leave, "/messages", "threadleft")
}

func (s *Server) handleNotificationsPage(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Notifications")
	var before int64
	if v := r.URL.Query().Get("before"); v != "" {
		var err error
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before <= 0 {
			return rapport.Errorf(rapport.EBADREQUEST, "This page of notifications does not exist.")
		}
	}
	page, err := s.svc.Notifications.List(r.Context(), before)
	if err != nil {
		return err
	}
	data.Messages = &messagesPage{Unread: page.Unread, MoreBefore: page.Next}
	for _, n := range page.Notifications {
		text, path := s.notificationText(n)
		data.Messages.Notifications = append(data.Messages.Notifications, notificationView{Notification: n, Text: text, Path: path})
	}
	return s.render(w, http.StatusOK, "notifications", data)
}

func (s *Server) handleNotificationsReadForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Notifications.MarkRead(r.Context(), 0); err != nil {
		return err
	}
	return redirect(w, r, "/notifications", "allread")
}

func (s *Server) handleProfileViewsPage(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Who viewed your profile")
	list, mode, err := s.svc.Profiles.ProfileViews(r.Context())
	if err != nil {
		return err
	}
	data.Messages = &messagesPage{Views: list, Mode: mode, Days: rapport.ProfileViewDays, Viewed: len(list)}
	return s.render(w, http.StatusOK, "views", data)
}

func (s *Server) handleViewingSave(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Settings")
	data.Form = "viewing"
	data.Values = formValues(r, "mode")
	if err := s.svc.Profiles.SetProfileViewing(r.Context(), data.Values["mode"]); err != nil {
		return s.settingsPage(w, r, 0, data, err)
	}
	return redirect(w, r, "/settings", "viewing")
}
