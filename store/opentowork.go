package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/rapportnet/rapport"
)

// PutOpenToWork sets what a member says about looking for work. It is
// logged as a profile change, for the search indexes, and nowhere else.
func (db *DB) PutOpenToWork(ctx context.Context, memberID int64, o *rapport.OpenToWork, now time.Time) error {
	lists := make([]string, 4)
	for i, l := range [][]string{o.Titles, o.Locations, o.Workplaces, o.JobTypes} {
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		lists[i] = string(b)
	}
	return db.writeProfile(ctx, "put open to work", memberID, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO open_to_work (member_id, titles, locations, workplaces, job_types, visibility, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (member_id) DO UPDATE SET titles = excluded.titles, locations = excluded.locations,
				workplaces = excluded.workplaces, job_types = excluded.job_types, visibility = excluded.visibility,
				updated_at = excluded.updated_at`,
			memberID, lists[0], lists[1], lists[2], lists[3], o.Visibility, micros(now))
		return err
	})
}

// DeleteOpenToWork switches a member's open-to-work signal off.
func (db *DB) DeleteOpenToWork(ctx context.Context, memberID int64) error {
	return db.writeProfile(ctx, "delete open to work", memberID, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM open_to_work WHERE member_id = $1`, memberID)
		return err
	})
}

// FindOpenToWork returns what a member says about looking for work, or nil
// when they say nothing.
func (db *DB) FindOpenToWork(ctx context.Context, memberID int64) (*rapport.OpenToWork, error) {
	var o rapport.OpenToWork
	var raw [4]string
	var updated int64
	err := db.readOne(ctx, "find open to work", func(q querier) error {
		return q.QueryRowContext(ctx, `SELECT titles, locations, workplaces, job_types, visibility, updated_at
			FROM open_to_work WHERE member_id = $1`, memberID).Scan(&raw[0], &raw[1], &raw[2], &raw[3], &o.Visibility, &updated)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	for i, l := range []*[]string{&o.Titles, &o.Locations, &o.Workplaces, &o.JobTypes} {
		if err := json.Unmarshal([]byte(raw[i]), l); err != nil {
			return nil, err
		}
	}
	o.UpdatedAt = fromMicros(updated)
	return &o, nil
}
