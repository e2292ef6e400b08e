package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

// TestModerationStore files reports, decides them and checks what each
// decision changed: a hidden post, comment and message are gone for every
// reader, a suspension ends the account's sessions and takes its
// connections out of the graph change log's count, a reinstatement brings
// them back, and every operator action is in the audit log.
func TestModerationStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob, cy, op := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"), mustCreateMember(t, db, "cy"), mustCreateMember(t, db, "op")
		mustConnectPair(t, db, ada, bob)

		// Operators.
		if ok, err := db.IsOperator(ctx, op.ID); err != nil || ok {
			t.Fatalf("an operator before being named: %v %v", ok, err)
		}
		if err := db.AddOperator(ctx, op.ID, 0, t0); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.AddOperator(ctx, op.ID, 0, t0), rapport.ECONFLICT)
		wantCode(t, db.AddOperator(ctx, 999999, 0, t0), rapport.ENOTFOUND)
		if ok, err := db.IsOperator(ctx, op.ID); err != nil || !ok {
			t.Fatalf("not an operator once named: %v %v", ok, err)
		}
		if list, err := db.FindOperators(ctx); err != nil || len(list) != 1 || list[0].Handle != "op" {
			t.Fatalf("operators: %+v %v", list, err)
		}

		// Reports, filed once each.
		post := mustWritePost(t, db, ada, nil, rapport.PostKindPost, rapport.AudiencePublic, "Buy followers here", t0)
		comment := &rapport.Comment{PostID: post.ID, Author: ada, Body: "Spam comment"}
		if err := db.CreateComment(ctx, comment, t0); err != nil {
			t.Fatal(err)
		}
		thread, err := db.CreateThread(ctx, ada.ID, []int64{bob.ID}, &rapport.Message{Body: "Rude message", CreatedAt: t0}, nil)
		if err != nil {
			t.Fatal(err)
		}
		th, err := db.FindThread(ctx, bob.ID, thread)
		if err != nil || len(th.Messages) != 1 {
			t.Fatalf("thread: %+v %v", th, err)
		}
		file := func(reporter *rapport.Member, subject string, id int64, excerpt string) *rapport.Report {
			t.Helper()
			r := &rapport.Report{ReporterID: reporter.ID, MemberID: ada.ID, Subject: subject, SubjectID: id, Reason: "spam", Excerpt: excerpt}
			created, err := db.CreateReport(ctx, r, t0)
			if err != nil || !created || r.ID == 0 {
				t.Fatalf("report %s %d: %v %v", subject, id, created, err)
			}
			return r
		}
		postReport := file(bob, rapport.SubjectPost, post.ID, post.Body)
		otherPostReport := file(cy, rapport.SubjectPost, post.ID, post.Body)
		commentReport := file(bob, rapport.SubjectComment, comment.ID, comment.Body)
		messageReport := file(bob, rapport.SubjectMessage, th.Messages[0].ID, th.Messages[0].Body)
		profileReport := file(bob, rapport.SubjectProfile, ada.ID, "")
		again := &rapport.Report{ReporterID: bob.ID, MemberID: ada.ID, Subject: rapport.SubjectPost, SubjectID: post.ID, Reason: "other"}
		if created, err := db.CreateReport(ctx, again, t0); err != nil || created || again.ID != postReport.ID || again.Reason != "spam" {
			t.Fatalf("the same report again: %+v %v %v", again, created, err)
		}
		open, err := db.FindReports(ctx, rapport.ReportOpen, 100)
		if err != nil || len(open) != 5 {
			t.Fatalf("open reports: %d %v", len(open), err)
		}
		if got := open[len(open)-1]; got.ID != postReport.ID || got.Reporter.Handle != "bob" || got.Member.Handle != "ada" || got.Excerpt != post.Body {
			t.Errorf("oldest report: %+v", got)
		}
		if list, _ := db.FindReports(ctx, rapport.ReportOpen, 2); len(list) != 2 {
			t.Errorf("a limit of 2 gave %d reports", len(list))
		}

		decide := func(r *rapport.Report, status string) *rapport.Report {
			t.Helper()
			got, err := db.DecideReport(ctx, store.Decision{ReportID: r.ID, OperatorID: op.ID, Status: status, Reason: "Against the rules", At: t0.Add(time.Hour)})
			if err != nil {
				t.Fatalf("decide %s: %v", status, err)
			}
			return got
		}

		// Hiding a post decides every open report of it.
		if got := decide(postReport, rapport.ReportHidden); got.Status != rapport.ReportHidden || got.DecidedBy != op.ID || got.Decision != "Against the rules" {
			t.Errorf("decided: %+v", got)
		}
		if p, err := db.FindPost(ctx, bob.ID, post.ID); err != nil || !p.Hidden {
			t.Errorf("hidden post: %+v %v", p, err)
		}
		if r, err := db.FindReport(ctx, otherPostReport.ID); err != nil || r.Status != rapport.ReportHidden {
			t.Errorf("the other report of the hidden post: %+v %v", r, err)
		}
		_, err = db.DecideReport(ctx, store.Decision{ReportID: postReport.ID, OperatorID: op.ID, Status: rapport.ReportDismissed, At: t0})
		wantCode(t, err, rapport.ECONFLICT)
		_, err = db.DecideReport(ctx, store.Decision{ReportID: profileReport.ID, OperatorID: op.ID, Status: rapport.ReportHidden, At: t0})
		wantCode(t, err, rapport.ECONFLICT) // a profile is not hidden: its account is suspended

		decide(commentReport, rapport.ReportHidden)
		if list, err := db.FindComments(ctx, post.ID); err != nil || len(list) != 0 {
			t.Errorf("comments after hiding the only one: %+v %v", list, err)
		}
		if p, _ := db.FindPost(ctx, bob.ID, post.ID); p.Comments != 0 {
			t.Errorf("the post counts %d comments", p.Comments)
		}

		decide(messageReport, rapport.ReportHidden)
		for _, m := range []*rapport.Member{ada, bob} {
			if th, err := db.FindThread(ctx, m.ID, thread); err != nil || len(th.Messages) != 0 {
				t.Errorf("%s's thread after hiding its message: %+v %v", m.Handle, th, err)
			}
		}

		// A suspension.
		sess := &rapport.Session{MemberID: ada.ID, CreatedAt: t0, LastSeenAt: t0}
		if err := db.CreateSession(ctx, sess, "ada-session"); err != nil {
			t.Fatal(err)
		}
		decide(profileReport, rapport.ReportSuspended)
		if m, err := db.FindMemberByID(ctx, ada.ID); err != nil || m.Status != rapport.StatusSuspended {
			t.Errorf("suspended: %+v %v", m, err)
		}
		_, err = db.FindSessionByTokenHash(ctx, "ada-session")
		wantCode(t, err, rapport.ENOTFOUND)
		if _, connected, err := db.FindGraphChanges(ctx, 0, time.Time{}); err != nil || connected[len(connected)-1] {
			t.Errorf("the change log counts a connection of a suspended account: %v %v", connected, err)
		}
		wantCode(t, db.ReinstateMember(ctx, bob.ID, op.ID, "not suspended", t0), rapport.ENOTFOUND)
		if err := db.ReinstateMember(ctx, ada.ID, op.ID, "The appeal was heard", t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, connected, err := db.FindGraphChanges(ctx, 0, time.Time{}); err != nil || !connected[len(connected)-1] {
			t.Errorf("the change log after reinstating: %v %v", connected, err)
		}

		audit, err := db.FindOperatorAudit(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range audit {
			actions = append(actions, e.Action)
			if e.Action != rapport.AuditOperatorAdded && e.ActorID != op.ID {
				t.Errorf("%s by %d, not the operator", e.Action, e.ActorID)
			}
		}
		want := "member.reinstated member.suspended report.hidden report.hidden report.hidden operator.added"
		if got := strings.Join(actions, " "); got != want {
			t.Errorf("operator audit: %s, want %s", got, want)
		}
		if err := db.RemoveOperator(ctx, op.ID, 0, t0); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.RemoveOperator(ctx, op.ID, 0, t0), rapport.ENOTFOUND)
	})
}
