package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/mail"
	"github.com/rapportnet/rapport/store"
)

// Moderation is members' reports and what the site's operators do about
// them. An operator sees a report with the copy of the item reported and
// the reported member's public card: nothing else of anyone's private
// data (their messages, contacts and notes) is reachable through it.
type Moderation struct {
	base
	posts    *Posts
	messages *Messages
	inmail   *InMail
	mail     mail.Sender
	cfg      Config
}

// notFoundItem answers for an item that does not exist and for one the
// caller may not see, alike.
func notFoundItem(subject string) error {
	return rapport.Errorf(rapport.ENOTFOUND, "%s not found.", strings.ToUpper(subject[:1])+subject[1:])
}

// Report files the caller's report of something they can see: a profile,
// a post, a comment, a message of a thread they are in or an InMail thread
// they received. The reported member is not told. Reporting the same item
// again returns the first report, with created false. Returns EINVALID
// naming the field at fault, ENOTFOUND for an item the caller cannot see
// (as for one that does not exist).
func (s *Moderation) Report(ctx context.Context, in rapport.ReportInput) (r *rapport.Report, created bool, err error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, false, err
	}
	in.Details = strings.TrimSpace(in.Details)
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	r = &rapport.Report{ReporterID: c.MemberID, Subject: in.Subject, SubjectID: in.ID, Reason: in.Reason, Details: in.Details}
	switch in.Subject {
	case rapport.SubjectProfile:
		m, err := s.db.FindMemberByHandle(ctx, rapport.NormalizeHandle(in.Handle))
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return nil, false, notFoundItem("member")
		} else if err != nil {
			return nil, false, err
		}
		if m.ID != c.MemberID {
			if a, b, err := s.db.FindBlocks(ctx, c.MemberID, m.ID); err != nil {
				return nil, false, err
			} else if a || b {
				return nil, false, notFoundItem("member")
			}
		}
		if m.Status != rapport.StatusActive {
			return nil, false, notFoundItem("member")
		}
		r.MemberID, r.SubjectID = m.ID, m.ID
	case rapport.SubjectPost:
		p, err := s.posts.Post(ctx, in.ID)
		if err != nil {
			return nil, false, err
		}
		r.MemberID, r.Excerpt = p.AuthorID, p.Body
	case rapport.SubjectComment:
		postID, err := s.db.FindCommentPost(ctx, in.ID)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return nil, false, notFoundItem("comment")
		} else if err != nil {
			return nil, false, err
		}
		comments, err := s.posts.Comments(ctx, postID)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return nil, false, notFoundItem("comment")
		} else if err != nil {
			return nil, false, err
		}
		for _, cm := range comments {
			if cm.ID == in.ID {
				r.MemberID, r.Excerpt = cm.Author.ID, cm.Body
			}
		}
	case rapport.SubjectMessage:
		threadID, err := s.db.FindMessageThread(ctx, in.ID)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return nil, false, notFoundItem("message")
		} else if err != nil {
			return nil, false, err
		}
		t, err := s.messages.Thread(ctx, threadID)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return nil, false, notFoundItem("message")
		} else if err != nil {
			return nil, false, err
		}
		for _, m := range t.Messages {
			if m.ID == in.ID && m.Sender != nil {
				r.MemberID, r.Excerpt = m.Sender.ID, m.Body
			}
		}
	case rapport.SubjectInMail:
		if r.MemberID, r.Excerpt, err = s.inmail.reportable(ctx, in.ID); err != nil {
			return nil, false, err
		}
	}
	if r.MemberID == 0 {
		return nil, false, notFoundItem(in.Subject)
	} else if r.MemberID == c.MemberID {
		return nil, false, rapport.FieldError("id", "This %s is yours: there is nothing to report.", in.Subject)
	}
	r.Excerpt = truncate(r.Excerpt, rapport.ReportExcerptMax)
	created, err = s.db.CreateReport(ctx, r, s.now())
	if err != nil {
		return nil, false, err
	}
	return s.forReporter(r), created, nil
}

// forReporter is what the reporter sees of their report: what they sent,
// not the operators' decision nor who decided.
func (s *Moderation) forReporter(r *rapport.Report) *rapport.Report {
	return &rapport.Report{ID: r.ID, Subject: r.Subject, SubjectID: r.SubjectID, Reason: r.Reason, Details: r.Details,
		Status: rapport.ReportOpen, CreatedAt: r.CreatedAt}
}

// commandLine marks a context as the site operator's at the command line.
type commandLine struct{}

// AsCommandLine returns a context in which the moderation methods act as
// the site's operator at the command line (recorded as actor 0). Only the
// rapport admin commands use it.
func AsCommandLine(ctx context.Context) context.Context {
	return context.WithValue(ctx, commandLine{}, true)
}

// operator returns the id of the operator calling (0 at the command line).
// Returns ENOTFOUND for anyone else: operator routes do not exist for them.
func (s *Moderation) operator(ctx context.Context) (int64, error) {
	if ok, _ := ctx.Value(commandLine{}).(bool); ok {
		return 0, nil
	}
	c, err := personal(ctx)
	if err != nil {
		return 0, err
	}
	if ok, err := s.db.IsOperator(ctx, c.MemberID); err != nil {
		return 0, err
	} else if !ok {
		return 0, rapport.Errorf(rapport.ENOTFOUND, "Not found.")
	}
	return c.MemberID, nil
}

// IsOperator reports whether the caller is a site operator: the web layer
// asks it of every operator route, before the service asks again.
func (s *Moderation) IsOperator(ctx context.Context) (bool, error) {
	if _, err := s.operator(ctx); rapport.ErrorCode(err) == rapport.ENOTFOUND || rapport.ErrorCode(err) == rapport.EUNAUTHORIZED {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return true, nil
}

// Reports lists reports in a status ("" for all), newest first. Operators
// only.
func (s *Moderation) Reports(ctx context.Context, status string) ([]*rapport.Report, error) {
	if _, err := s.operator(ctx); err != nil {
		return nil, err
	}
	if status != "" && !slices.Contains(rapport.ReportStatuses, status) {
		return nil, rapport.FieldError("status", "One of %s, or none for all.", strings.Join(rapport.ReportStatuses, ", "))
	}
	return s.db.FindReports(ctx, status, rapport.ReportsPageMax)
}

// ReportByID returns a report with the copy of what was reported. Operators
// only.
func (s *Moderation) ReportByID(ctx context.Context, id int64) (*rapport.Report, error) {
	if _, err := s.operator(ctx); err != nil {
		return nil, err
	}
	return s.db.FindReport(ctx, id)
}

// Decide carries out an operator's decision about an open report
// (store.DecideReport): rapport.ReportDismissed, ReportHidden or
// ReportSuspended, with the reason the member receives by mail (optional
// for a dismissal, which mails no one). A suspension ends the member's
// sessions, tokens and live streams at once, and takes their profile and
// connections out of every index; the mail tells them why and that they
// can appeal by replying. Operators only. Returns EINVALID naming status
// or reason, ECONFLICT for a report decided already or an item that cannot
// be hidden (a profile, an InMail thread).
func (s *Moderation) Decide(ctx context.Context, id int64, status, reason string) (*rapport.Report, error) {
	opID, err := s.operator(ctx)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch status {
	case rapport.ReportHidden, rapport.ReportSuspended:
		if err := rapport.ValidateDecision(reason); err != nil {
			return nil, err
		}
	case rapport.ReportDismissed:
		if reason != "" {
			if err := rapport.ValidateDecision(reason); err != nil {
				return nil, err
			}
		}
	default:
		return nil, rapport.FieldError("status", "One of %s, %s or %s.", rapport.ReportDismissed, rapport.ReportHidden, rapport.ReportSuspended)
	}
	r, err := s.db.DecideReport(ctx, store.Decision{ReportID: id, OperatorID: opID, Status: status, Reason: reason, At: s.now()})
	if err != nil {
		return nil, err
	}
	switch status {
	case rapport.ReportSuspended:
		s.withdraw(ctx, r.MemberID)
		s.tell(ctx, r.MemberID, rapport.SuspensionSubject, fmt.Sprintf(
			"Your Rapport account is suspended: your profile is hidden and you cannot sign in.\n\nWhy:\n\n%s\n\n"+
				"To appeal, reply to this message and say why the decision should change. "+
				"An operator reads every reply. Keep this reference in your reply: report %d.\n", reason, r.ID))
	case rapport.ReportHidden:
		s.tell(ctx, r.MemberID, fmt.Sprintf("Your %s on Rapport is hidden", r.Subject), fmt.Sprintf(
			"A site operator hid your %s after a member reported it. No one sees it any more.\n\nWhat it said:\n\n%s\n\nWhy it is hidden:\n\n%s\n\n"+
				"To appeal, reply to this message and say why the decision should change. Keep this reference in your reply: report %d.\n",
			r.Subject, r.Excerpt, reason, r.ID))
	}
	return r, nil
}

// Reinstate lifts the suspension that a report led to, after an appeal:
// the member signs in again and their profile and connections come back.
// Operators only. Returns EINVALID naming reason, ENOTFOUND when the
// member is not suspended.
func (s *Moderation) Reinstate(ctx context.Context, reportID int64, reason string) error {
	opID, err := s.operator(ctx)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if err := rapport.ValidateDecision(reason); err != nil {
		return err
	}
	r, err := s.db.FindReport(ctx, reportID)
	if err != nil {
		return err
	}
	if err := s.db.ReinstateMember(ctx, r.MemberID, opID, fmt.Sprintf("report %d: %s", r.ID, reason), s.now()); err != nil {
		return err
	}
	if err := s.restore(ctx, r.MemberID, s.cfg.MaxConnections); err != nil {
		return err
	}
	s.tell(ctx, r.MemberID, "Your Rapport account is active again", fmt.Sprintf(
		"A site operator lifted the suspension of your account: you can sign in again, and your profile and connections are back.\n\n%s\n", reason))
	return nil
}

// Audit lists the operators' actions, newest first. Operators only.
func (s *Moderation) Audit(ctx context.Context) ([]*rapport.AuditEntry, error) {
	if _, err := s.operator(ctx); err != nil {
		return nil, err
	}
	list, err := s.db.FindOperatorAudit(ctx, AuditMax)
	if err != nil {
		return nil, err
	}
	return list, s.withAuditMembers(ctx, list)
}

// AddOperator makes the member with an email address a site operator.
// Operators only (the command line is one). Returns ENOTFOUND for an
// address of no active member, ECONFLICT for an operator already.
func (s *Moderation) AddOperator(ctx context.Context, email string) (*rapport.Member, error) {
	return s.changeOperator(ctx, email, s.db.AddOperator)
}

// RemoveOperator ends the role of operator of the member with an email
// address. Returns ENOTFOUND when they are not one.
func (s *Moderation) RemoveOperator(ctx context.Context, email string) (*rapport.Member, error) {
	return s.changeOperator(ctx, email, s.db.RemoveOperator)
}

func (s *Moderation) changeOperator(ctx context.Context, email string, change func(context.Context, int64, int64, time.Time) error) (*rapport.Member, error) {
	opID, err := s.operator(ctx)
	if err != nil {
		return nil, err
	}
	id, _, _, err := s.db.FindCredentials(ctx, email)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "No member has the address %s.", email)
	} else if err != nil {
		return nil, err
	}
	m, err := s.db.FindMemberSummary(ctx, id)
	if err != nil {
		return nil, err
	}
	return m, change(ctx, m.ID, opID, s.now())
}

// Operators lists the site's operators. Operators only.
func (s *Moderation) Operators(ctx context.Context) ([]*rapport.Member, error) {
	if _, err := s.operator(ctx); err != nil {
		return nil, err
	}
	return s.db.FindOperators(ctx)
}

// tell mails a member about a decision, with replies going to the
// operators so that the member can appeal. A failure is logged: the
// decision stands.
func (s *Moderation) tell(ctx context.Context, memberID int64, subject, body string) {
	m, err := s.db.FindMemberSummary(ctx, memberID)
	if err != nil || m.Email == "" {
		s.log.Error("mail a moderation decision", "member", memberID, "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := s.mail.Send(ctx, mail.Message{To: m.Email, Subject: subject, Body: body, ReplyTo: s.cfg.AppealsAddress}); err != nil {
		s.log.Error("mail a moderation decision", "member", memberID, "err", err)
	}
}
