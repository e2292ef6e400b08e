package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/rapportnet/rapport"
)

// AddOperator makes a member a site operator; actorID is the operator who
// did it, 0 at the command line. Returns ENOTFOUND for a member who is not
// active, ECONFLICT for one who is an operator already.
func (db *DB) AddOperator(ctx context.Context, memberID, actorID int64, now time.Time) error {
	return db.write(ctx, "add operator", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO operators (member_id, added_at) SELECT id, $2 FROM members WHERE id = $1 AND status = 'active'
			ON CONFLICT (member_id) DO NOTHING`, memberID, micros(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT m.status FROM operators o JOIN members m ON m.id = o.member_id WHERE o.member_id = $1`, memberID).Scan(&status); err == nil {
				return rapport.Errorf(rapport.ECONFLICT, "This member is an operator already.")
			}
			return rapport.Errorf(rapport.ENOTFOUND, "Member not found.")
		}
		return writeAudit(ctx, tx, rapport.AuditEntry{At: now, ActorID: actorID, TargetID: memberID, Action: rapport.AuditOperatorAdded})
	})
}

// RemoveOperator ends a member's role of site operator. Returns ENOTFOUND
// when they are not one.
func (db *DB) RemoveOperator(ctx context.Context, memberID, actorID int64, now time.Time) error {
	return db.write(ctx, "remove operator", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM operators WHERE member_id = $1`, memberID)
		if err != nil {
			return err
		} else if err := mustAffect(res, "Operator"); err != nil {
			return err
		}
		return writeAudit(ctx, tx, rapport.AuditEntry{At: now, ActorID: actorID, TargetID: memberID, Action: rapport.AuditOperatorRemoved})
	})
}

// IsOperator reports whether a member is a site operator.
func (db *DB) IsOperator(ctx context.Context, memberID int64) (bool, error) {
	var n int
	err := db.readOne(ctx, "is operator", func(q querier) error {
		return q.QueryRowContext(ctx, `SELECT COUNT(*) FROM operators WHERE member_id = $1`, memberID).Scan(&n)
	})
	return n > 0, err
}

// FindOperators lists the site's operators, oldest first.
func (db *DB) FindOperators(ctx context.Context) ([]*rapport.Member, error) {
	return db.queryCards(ctx, "find operators", `SELECT `+fmt.Sprintf(memberCard, "m")+` FROM operators o JOIN members m ON m.id = o.member_id
		ORDER BY o.added_at, m.id LIMIT $1`, 1000)
}

// CreateReport stores a member's report and sets r.ID, or, when they
// reported the same item before, reads that report into r instead and
// returns created false: a report is filed once.
func (db *DB) CreateReport(ctx context.Context, r *rapport.Report, now time.Time) (created bool, err error) {
	err = db.write(ctx, "create report", func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO reports (reporter_id, member_id, subject, subject_id, reason, details, excerpt, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (reporter_id, subject, subject_id) DO NOTHING RETURNING id`,
			r.ReporterID, r.MemberID, r.Subject, r.SubjectID, r.Reason, r.Details, r.Excerpt, micros(now)).Scan(&r.ID)
		if err == nil {
			created, r.Status, r.CreatedAt = true, rapport.ReportOpen, fromMicros(micros(now))
			return nil
		} else if err != sql.ErrNoRows {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM reports WHERE reporter_id = $1 AND subject = $2 AND subject_id = $3`,
			r.ReporterID, r.Subject, r.SubjectID).Scan(&id); err != nil {
			return err
		}
		found, err := findReports(ctx, tx, `r.id = $1`, 1, id)
		if err != nil {
			return err
		}
		*r = *found[0]
		return nil
	})
	return created, err
}

var reportColumns = `r.id, COALESCE(r.reporter_id, 0), r.member_id, r.subject, r.subject_id, r.reason, r.details, r.excerpt, r.status,
	COALESCE(r.decided_by, 0), COALESCE(r.decided_at, 0), r.decision, r.created_at, ` + formerCardReporter + `, ` + memberCardReported

var (
	formerCardReporter = fmt.Sprintf(formerCard, "rm")
	memberCardReported = fmt.Sprintf(memberCard, "m")
)

// findReports reads the reports a condition on r selects, newest first,
// at most limit.
func findReports(ctx context.Context, tx *Tx, where string, limit int, args ...any) ([]*rapport.Report, error) {
	var out []*rapport.Report
	err := eachRow(ctx, tx, `SELECT `+reportColumns+` FROM reports r LEFT JOIN members rm ON rm.id = r.reporter_id
		JOIN members m ON m.id = r.member_id WHERE `+where+` ORDER BY r.id DESC LIMIT `+strconv.Itoa(limit), args, func(rows *sql.Rows) error {
		r := &rapport.Report{Reporter: &rapport.Member{}, Member: &rapport.Member{}}
		var decided, created int64
		dest := []any{&r.ID, &r.ReporterID, &r.MemberID, &r.Subject, &r.SubjectID, &r.Reason, &r.Details, &r.Excerpt, &r.Status,
			&r.DecidedBy, &decided, &r.Decision, &created}
		if err := rows.Scan(append(append(dest, cardDest(r.Reporter)...), cardDest(r.Member)...)...); err != nil {
			return err
		}
		if r.ReporterID == 0 {
			r.Reporter = nil
		}
		if decided != 0 {
			r.DecidedAt = fromMicros(decided)
		}
		r.CreatedAt = fromMicros(created)
		out = append(out, r)
		return nil
	})
	return out, err
}

// FindReports lists reports in a status ("" for all), newest first, at
// most limit.
func (db *DB) FindReports(ctx context.Context, status string, limit int) ([]*rapport.Report, error) {
	var out []*rapport.Report
	err := db.read(ctx, "find reports", func(tx *Tx) (err error) {
		if status == "" {
			out, err = findReports(ctx, tx, `1 = 1`, limit)
		} else {
			out, err = findReports(ctx, tx, `r.status = $1`, limit, status)
		}
		return err
	})
	return out, err
}

// FindReport returns a report. Returns ENOTFOUND when there is none.
func (db *DB) FindReport(ctx context.Context, id int64) (*rapport.Report, error) {
	var out []*rapport.Report
	err := db.read(ctx, "find report", func(tx *Tx) (err error) {
		out, err = findReports(ctx, tx, `r.id = $1`, 1, id)
		return err
	})
	if err == nil && len(out) == 0 {
		err = rapport.Errorf(rapport.ENOTFOUND, "Report not found.")
	}
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Decision is what an operator decided about an open report.
type Decision struct {
	ReportID   int64
	OperatorID int64
	Status     string // rapport.ReportDismissed, ReportHidden or ReportSuspended
	Reason     string // why, for the member and the audit log
	At         time.Time
}

// DecideReport carries out an operator's decision about an open report, in
// one transaction with its audit entry: dismissed changes nothing else;
// hidden hides the post or comment from everyone, or the message from
// every member of its thread; suspended suspends the member's account,
// ending every session and token of it, and takes their connections out
// of the graph index (FindGraphChanges). The other open reports of the
// same item (or, for a suspension, of the same member) are decided with
// it. Returns the report as decided; ENOTFOUND when there is no such
// report, ECONFLICT when it is decided already or when the account is not
// active.
func (db *DB) DecideReport(ctx context.Context, d Decision) (*rapport.Report, error) {
	var decided *rapport.Report
	err := db.write(ctx, "decide report", func(tx *Tx) error {
		found, err := findReports(ctx, tx, `r.id = $1`, 1, d.ReportID)
		if err != nil {
			return err
		} else if len(found) == 0 {
			return rapport.Errorf(rapport.ENOTFOUND, "Report not found.")
		}
		r := found[0]
		if r.Status != rapport.ReportOpen {
			return rapport.Errorf(rapport.ECONFLICT, "This report was decided already (%s).", r.Status)
		}
		same, sameArgs := `subject = $5 AND subject_id = $6`, []any{r.Subject, r.SubjectID}
		action := rapport.AuditReportDismissed
		switch d.Status {
		case rapport.ReportHidden:
			action = rapport.AuditItemHidden
			if err := hideItem(ctx, tx, r, d.At); err != nil {
				return err
			}
		case rapport.ReportSuspended:
			action = rapport.AuditMemberSuspended
			same, sameArgs = `member_id = $5`, []any{r.MemberID}
			if err := suspendMember(ctx, tx, r.MemberID, d.At); err != nil {
				return err
			}
		case rapport.ReportDismissed:
			same = `id = $5`
			sameArgs = []any{r.ID}
		default:
			return fmt.Errorf("decide report: unknown status %q", d.Status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET status = $1, decided_by = $2, decided_at = $3, decision = $4
			WHERE status = 'open' AND `+same, append([]any{d.Status, d.OperatorID, micros(d.At), d.Reason}, sameArgs...)...); err != nil {
			return err
		}
		r.Status, r.DecidedBy, r.DecidedAt, r.Decision = d.Status, d.OperatorID, fromMicros(micros(d.At)), d.Reason
		decided = r
		return writeAudit(ctx, tx, rapport.AuditEntry{At: d.At, ActorID: d.OperatorID, TargetID: r.MemberID, Action: action,
			Detail: fmt.Sprintf("report %d, %s %d (%s): %s", r.ID, r.Subject, r.SubjectID, r.Reason, d.Reason)})
	})
	return decided, err
}

// hideItem hides a reported post, comment or message from everyone.
func hideItem(ctx context.Context, tx *Tx, r *rapport.Report, now time.Time) error {
	var q string
	switch r.Subject {
	case rapport.SubjectPost:
		q = `UPDATE posts SET hidden_at = $2 WHERE id = $1 AND hidden_at IS NULL`
	case rapport.SubjectComment:
		q = `UPDATE comments SET hidden_at = $2 WHERE id = $1 AND hidden_at IS NULL`
	case rapport.SubjectMessage:
		// Hidden from every member of its thread, its sender too, as a
		// block hides one (visibleMessage).
		_, err := tx.ExecContext(ctx, `INSERT INTO message_hidden (message_id, member_id)
			SELECT m.id, tm.member_id FROM messages m JOIN thread_members tm ON tm.thread_id = m.thread_id WHERE m.id = $1
			ON CONFLICT DO NOTHING`, r.SubjectID)
		return err
	default:
		return rapport.Errorf(rapport.ECONFLICT, "A %s cannot be hidden: suspend the account or dismiss the report.", r.Subject)
	}
	_, err := tx.ExecContext(ctx, q, r.SubjectID, micros(now))
	return err
}

// suspendMember suspends an active account.
func suspendMember(ctx context.Context, tx *Tx, id int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE members SET status = $1, suspended_at = $2 WHERE id = $3 AND status = 'active'`,
		rapport.StatusSuspended, micros(now), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return rapport.Errorf(rapport.ECONFLICT, "This account is not active: it is suspended or closed already.")
	}
	return endAccess(ctx, tx, id, now)
}

// ReinstateMember lifts the suspension of an account, after an appeal: its
// profile and connections come back. Returns ENOTFOUND when it is not
// suspended.
func (db *DB) ReinstateMember(ctx context.Context, id, operatorID int64, reason string, now time.Time) error {
	return db.write(ctx, "reinstate member", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET status = 'active', suspended_at = NULL WHERE id = $1 AND status = $2`,
			id, rapport.StatusSuspended)
		if err != nil {
			return err
		} else if err := mustAffect(res, "Suspended account"); err != nil {
			return err
		}
		if err := recordAccountChanged(ctx, tx, id, now); err != nil {
			return err
		}
		return writeAudit(ctx, tx, rapport.AuditEntry{At: now, ActorID: operatorID, TargetID: id, Action: rapport.AuditMemberRestored, Detail: reason})
	})
}

// FindOperatorAudit lists the operators' actions, newest first.
func (db *DB) FindOperatorAudit(ctx context.Context, limit int) ([]*rapport.AuditEntry, error) {
	return db.findAudit(ctx, `organization_id = 0 AND action IN ($1, $2, $3, $4, $5, $6)`, limit,
		rapport.AuditOperatorAdded, rapport.AuditOperatorRemoved, rapport.AuditReportDismissed, rapport.AuditItemHidden,
		rapport.AuditMemberSuspended, rapport.AuditMemberRestored)
}

// FindCommentPost returns the post a comment is on. Returns ENOTFOUND when
// there is no such comment.
func (db *DB) FindCommentPost(ctx context.Context, commentID int64) (int64, error) {
	var id int64
	err := db.readOne(ctx, "find comment post", func(q querier) error {
		return notFound(q.QueryRowContext(ctx, `SELECT post_id FROM comments WHERE id = $1`, commentID).Scan(&id), "Comment")
	})
	return id, err
}

// FindMessageThread returns the thread a message is in. Returns ENOTFOUND
// when there is no such message.
func (db *DB) FindMessageThread(ctx context.Context, messageID int64) (int64, error) {
	var id int64
	err := db.readOne(ctx, "find message thread", func(q querier) error {
		return notFound(q.QueryRowContext(ctx, `SELECT thread_id FROM messages WHERE id = $1`, messageID).Scan(&id), "Message")
	})
	return id, err
}
