package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

// Everything here is keyed by a seat: a seat's projects, notes, saved
// searches and InMail. Ids from another seat answer ENOTFOUND, like ids
// that do not exist.

// CreateProject adds a project to a seat and sets p.ID.
func (db *DB) CreateProject(ctx context.Context, p *rapport.Project, now time.Time) error {
	return db.write(ctx, "create project", func(tx *Tx) error {
		p.CreatedAt, p.UpdatedAt = now, now
		return tx.QueryRowContext(ctx, `INSERT INTO recruiter_projects (seat_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id`,
			p.SeatID, strings.TrimSpace(p.Name), micros(now)).Scan(&p.ID)
	})
}

// RenameProject renames one of a seat's projects.
func (db *DB) RenameProject(ctx context.Context, seatID, id int64, name string, now time.Time) error {
	return db.write(ctx, "rename project", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recruiter_projects SET name = $1, updated_at = $2 WHERE id = $3 AND seat_id = $4`,
			strings.TrimSpace(name), micros(now), id, seatID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Project")
	})
}

// DeleteProject removes one of a seat's projects and its candidates.
func (db *DB) DeleteProject(ctx context.Context, seatID, id int64) error {
	return db.write(ctx, "delete project", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM recruiter_projects WHERE id = $1 AND seat_id = $2`, id, seatID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Project")
	})
}

// FindProjects returns a seat's projects with their sizes, newest change
// first.
func (db *DB) FindProjects(ctx context.Context, seatID int64) ([]*rapport.Project, error) {
	var out []*rapport.Project
	err := db.read(ctx, "find projects", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT p.id, p.name, p.created_at, p.updated_at,
				(SELECT COUNT(*) FROM recruiter_candidates c JOIN members m ON m.id = c.member_id WHERE c.project_id = p.id AND m.status = 'active')
			FROM recruiter_projects p WHERE p.seat_id = $1 ORDER BY p.updated_at DESC, p.id DESC`, []any{seatID}, func(rows *sql.Rows) error {
			p := &rapport.Project{SeatID: seatID}
			var created, updated int64
			if err := rows.Scan(&p.ID, &p.Name, &created, &updated, &p.Size); err != nil {
				return err
			}
			p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
			out = append(out, p)
			return nil
		})
	})
	return out, err
}

// FindProject returns one of a seat's projects with its candidates (active
// members only), by stage and then most recently moved.
func (db *DB) FindProject(ctx context.Context, seatID, id int64) (*rapport.Project, error) {
	p := &rapport.Project{ID: id, SeatID: seatID}
	err := db.read(ctx, "find project", func(tx *Tx) error {
		var created, updated int64
		if err := tx.QueryRowContext(ctx, `SELECT name, created_at, updated_at FROM recruiter_projects WHERE id = $1 AND seat_id = $2`,
			id, seatID).Scan(&p.Name, &created, &updated); err != nil {
			return notFound(err, "Project")
		}
		p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
		return eachRow(ctx, tx, `SELECT c.stage, c.added_at, c.updated_at, `+fmt.Sprintf(memberCard, "m")+`
			FROM recruiter_candidates c JOIN members m ON m.id = c.member_id
			WHERE c.project_id = $1 AND m.status = 'active' ORDER BY `+stageOrder+`, c.updated_at DESC, m.id`, []any{id}, func(rows *sql.Rows) error {
			c := rapport.ProjectCandidate{Member: &rapport.Member{}}
			var added, moved int64
			if err := rows.Scan(append([]any{&c.Stage, &added, &moved}, cardDest(c.Member)...)...); err != nil {
				return err
			}
			c.AddedAt, c.UpdatedAt = fromMicros(added), fromMicros(moved)
			p.Candidates = append(p.Candidates, c)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	p.Size = len(p.Candidates)
	return p, nil
}

// stageOrder orders candidates by their stage, in the order of
// rapport.Stages.
var stageOrder = func() string {
	var b strings.Builder
	b.WriteString("CASE c.stage")
	for i, st := range rapport.Stages {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", st, i)
	}
	b.WriteString(" END")
	return b.String()
}()

// PutCandidate adds a member to one of a seat's projects at a stage, or
// moves them to another stage.
func (db *DB) PutCandidate(ctx context.Context, seatID, projectID, memberID int64, stage string, now time.Time) error {
	return db.write(ctx, "put candidate", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recruiter_projects SET updated_at = $1 WHERE id = $2 AND seat_id = $3`, micros(now), projectID, seatID)
		if err != nil {
			return err
		} else if err := mustAffect(res, "Project"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO recruiter_candidates (project_id, member_id, stage, added_at, updated_at)
			VALUES ($1, $2, $3, $4, $4)
			ON CONFLICT (project_id, member_id) DO UPDATE SET stage = excluded.stage, updated_at = excluded.updated_at`,
			projectID, memberID, stage, micros(now))
		return err
	})
}

// DeleteCandidate takes a member out of one of a seat's projects.
func (db *DB) DeleteCandidate(ctx context.Context, seatID, projectID, memberID int64) error {
	return db.write(ctx, "delete candidate", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM recruiter_candidates WHERE project_id = $1 AND member_id = $2
			AND project_id IN (SELECT id FROM recruiter_projects WHERE seat_id = $3)`, projectID, memberID, seatID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Candidate")
	})
}

// CreateNote adds a note on a candidate to a seat and sets n.ID.
func (db *DB) CreateNote(ctx context.Context, n *rapport.CandidateNote, authorID int64, now time.Time) error {
	return db.write(ctx, "create note", func(tx *Tx) error {
		n.CreatedAt = now
		return tx.QueryRowContext(ctx, `INSERT INTO recruiter_notes (seat_id, member_id, author_id, body, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, n.SeatID, n.MemberID, authorID, n.Body, micros(now)).Scan(&n.ID)
	})
}

// FindNotes returns a seat's notes on a candidate, newest first, with
// their authors.
func (db *DB) FindNotes(ctx context.Context, seatID, memberID int64) ([]*rapport.CandidateNote, error) {
	var out []*rapport.CandidateNote
	err := db.read(ctx, "find notes", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT n.id, n.body, n.created_at, `+fmt.Sprintf(formerCard, "a")+`
			FROM recruiter_notes n LEFT JOIN members a ON a.id = n.author_id
			WHERE n.seat_id = $1 AND n.member_id = $2 ORDER BY n.id DESC`, []any{seatID, memberID}, func(rows *sql.Rows) error {
			n := &rapport.CandidateNote{SeatID: seatID, MemberID: memberID, Author: &rapport.Member{}}
			var created int64
			if err := rows.Scan(append([]any{&n.ID, &n.Body, &created}, cardDest(n.Author)...)...); err != nil {
				return err
			}
			n.CreatedAt = fromMicros(created)
			out = append(out, n)
			return nil
		})
	})
	return out, err
}

// DeleteNote removes one of a seat's notes.
func (db *DB) DeleteNote(ctx context.Context, seatID, id int64) error {
	return db.write(ctx, "delete note", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM recruiter_notes WHERE id = $1 AND seat_id = $2`, id, seatID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Note")
	})
}

// CreateSavedSearch keeps a search for a seat and sets s.ID.
func (db *DB) CreateSavedSearch(ctx context.Context, s *rapport.SavedSearch, now time.Time) error {
	q, err := json.Marshal(s.Query)
	if err != nil {
		return err
	}
	return db.write(ctx, "create saved search", func(tx *Tx) error {
		s.CreatedAt = now
		return tx.QueryRowContext(ctx, `INSERT INTO saved_searches (seat_id, name, query, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			s.SeatID, strings.TrimSpace(s.Name), string(q), micros(now)).Scan(&s.ID)
	})
}

// FindSavedSearches returns a seat's saved searches, newest first.
func (db *DB) FindSavedSearches(ctx context.Context, seatID int64) ([]*rapport.SavedSearch, error) {
	var out []*rapport.SavedSearch
	err := db.read(ctx, "find saved searches", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT id, name, query, created_at FROM saved_searches WHERE seat_id = $1 ORDER BY id DESC`,
			[]any{seatID}, func(rows *sql.Rows) error {
				s := &rapport.SavedSearch{SeatID: seatID}
				var q string
				var created int64
				if err := rows.Scan(&s.ID, &s.Name, &q, &created); err != nil {
					return err
				}
				s.CreatedAt = fromMicros(created)
				out = append(out, s)
				return json.Unmarshal([]byte(q), &s.Query)
			})
	})
	return out, err
}

// DeleteSavedSearch removes one of a seat's saved searches.
func (db *DB) DeleteSavedSearch(ctx context.Context, seatID, id int64) error {
	return db.write(ctx, "delete saved search", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM saved_searches WHERE id = $1 AND seat_id = $2`, id, seatID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Saved search")
	})
}

// CreateInMail starts a thread from a seat with its first message, if the
// seat has a credit left this month (threads started since monthStart);
// sets t.ID. Returns ERATELIMITED when the credits are spent.
func (db *DB) CreateInMail(ctx context.Context, t *rapport.InMailThread, senderID int64, body string, monthStart, now time.Time) error {
	return db.write(ctx, "create inmail", func(tx *Tx) error {
		// Two sends at once count each other.
		if err := lockSeat(ctx, tx, t.SeatID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM inmail_threads WHERE seat_id = $1 AND created_at >= $2`,
			t.SeatID, micros(monthStart)).Scan(&n); err != nil {
			return err
		} else if n >= rapport.InMailCredits {
			return &rapport.Error{Code: rapport.ERATELIMITED, Field: "to", RetryAfter: monthStart.AddDate(0, 1, 0).Sub(now),
				Message: fmt.Sprintf("This seat has sent its %d InMail this month; credits come back on the first of the month.", rapport.InMailCredits)}
		}
		t.Status, t.CreatedAt, t.UpdatedAt = rapport.InMailOpen, now, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO inmail_threads (seat_id, recipient_id, subject, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, t.SeatID, t.Recipient.ID, strings.TrimSpace(t.Subject), t.Status, micros(now)).Scan(&t.ID); err != nil {
			return err
		}
		return addInMail(ctx, tx, t.ID, senderID, true, body, now)
	})
}

// CountInMail returns how many threads a seat started since monthStart.
func (db *DB) CountInMail(ctx context.Context, seatID int64, monthStart time.Time) (int, error) {
	var n int
	err := db.readOne(ctx, "count inmail", func(q querier) error {
		return q.QueryRowContext(ctx, `SELECT COUNT(*) FROM inmail_threads WHERE seat_id = $1 AND created_at >= $2`, seatID, micros(monthStart)).Scan(&n)
	})
	return n, err
}

func addInMail(ctx context.Context, tx *Tx, threadID, senderID int64, fromSeat bool, body string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO inmail_messages (thread_id, sender_id, from_seat, body, created_at) VALUES ($1, $2, $3, $4, $5)`,
		threadID, senderID, fromSeat, body, micros(now)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE inmail_threads SET updated_at = $1 WHERE id = $2`, micros(now), threadID)
	return err
}

// AddInMail adds a message to an open thread: from the seat (seatID set,
// recipientID 0) or from its recipient (recipientID set, seatID 0).
// Returns ENOTFOUND when the thread is not theirs, ECONFLICT when the
// recipient declined or reported it.
func (db *DB) AddInMail(ctx context.Context, seatID, recipientID, threadID, senderID int64, body string, now time.Time) error {
	return db.write(ctx, "add inmail", func(tx *Tx) error {
		status, err := inMailStatus(ctx, tx, seatID, recipientID, threadID)
		if err != nil {
			return err
		} else if status != rapport.InMailOpen {
			return rapport.Errorf(rapport.ECONFLICT, "This conversation is closed.")
		}
		return addInMail(ctx, tx, threadID, senderID, seatID != 0, body, now)
	})
}

func inMailStatus(ctx context.Context, tx *Tx, seatID, recipientID, threadID int64) (string, error) {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM inmail_threads WHERE id = $1 AND (seat_id = $2 OR recipient_id = $3)`,
		threadID, seatID, recipientID).Scan(&status)
	return status, notFound(err, "Conversation")
}

// CloseInMail records that the recipient declined or reported a thread
// (with the reason). Returns ENOTFOUND when it is not theirs.
func (db *DB) CloseInMail(ctx context.Context, recipientID, threadID int64, status, report string, now time.Time) error {
	return db.write(ctx, "close inmail", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE inmail_threads SET status = $1, report = $2, updated_at = $3 WHERE id = $4 AND recipient_id = $5`,
			status, report, micros(now), threadID, recipientID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Conversation")
	})
}

const inMailColumns = `t.id, t.seat_id, t.subject, t.status, t.report, t.created_at, t.updated_at, s.organization_id, ` + `r.id, r.handle, r.display_name, r.headline, r.status`

// FindInMailThreads returns a seat's threads (seatID set) or a member's
// (recipientID set), most recent first, without their messages.
func (db *DB) FindInMailThreads(ctx context.Context, seatID, recipientID int64) ([]*rapport.InMailThread, error) {
	where, arg := `t.seat_id = $1`, seatID
	if seatID == 0 {
		where, arg = `t.recipient_id = $1`, recipientID
	}
	var out []*rapport.InMailThread
	err := db.read(ctx, "find inmail threads", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT `+inMailColumns+` FROM inmail_threads t JOIN seats s ON s.id = t.seat_id JOIN members r ON r.id = t.recipient_id
			WHERE `+where+` ORDER BY t.updated_at DESC, t.id DESC`, []any{arg}, func(rows *sql.Rows) error {
			t, err := scanInMail(rows)
			out = append(out, t)
			return err
		})
	})
	return out, err
}

func scanInMail(row interface{ Scan(...any) error }) (*rapport.InMailThread, error) {
	t := &rapport.InMailThread{Organization: &rapport.Organization{}, Recipient: &rapport.Member{}}
	var created, updated int64
	dest := append([]any{&t.ID, &t.SeatID, &t.Subject, &t.Status, &t.Report, &created, &updated, &t.Organization.ID}, cardDest(t.Recipient)...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return t, nil
}

// FindInMailThread returns one thread with its messages, for its seat
// (seatID set) or its recipient (recipientID set). Returns ENOTFOUND
// otherwise.
func (db *DB) FindInMailThread(ctx context.Context, seatID, recipientID, threadID int64) (*rapport.InMailThread, error) {
	var t *rapport.InMailThread
	err := db.read(ctx, "find inmail thread", func(tx *Tx) error {
		var err error
		t, err = scanInMail(tx.QueryRowContext(ctx, `SELECT `+inMailColumns+` FROM inmail_threads t JOIN seats s ON s.id = t.seat_id
			JOIN members r ON r.id = t.recipient_id WHERE t.id = $1 AND (t.seat_id = $2 OR t.recipient_id = $3)`, threadID, seatID, recipientID))
		if err != nil {
			return notFound(err, "Conversation")
		}
		return eachRow(ctx, tx, `SELECT i.id, i.from_seat, i.body, i.created_at, `+fmt.Sprintf(formerCard, "m")+`
			FROM inmail_messages i LEFT JOIN members m ON m.id = i.sender_id WHERE i.thread_id = $1 ORDER BY i.id`, []any{threadID},
			func(rows *sql.Rows) error {
				msg := rapport.InMailMessage{Sender: &rapport.Member{}}
				var created int64
				if err := rows.Scan(append([]any{&msg.ID, &msg.FromSeat, &msg.Body, &created}, cardDest(msg.Sender)...)...); err != nil {
					return err
				}
				msg.CreatedAt = fromMicros(created)
				t.Messages = append(t.Messages, msg)
				return nil
			})
	})
	return t, err
}
