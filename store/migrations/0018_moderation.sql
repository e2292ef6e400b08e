-- Moderation: the site's operators, members' reports of what they saw,
-- and what operators hide. A report keeps a copy of the text reported as
-- the reporter saw it, so that editing or deleting it does not take the
-- evidence away; it goes with the reported member's account when that is
-- purged.

CREATE TABLE operators (
    member_id BIGINT NOT NULL PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    added_at  BIGINT NOT NULL
);

CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    reporter_id BIGINT REFERENCES members (id) ON DELETE SET NULL,
    member_id   BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    subject     TEXT   NOT NULL,
    subject_id  BIGINT NOT NULL,
    reason      TEXT   NOT NULL,
    details     TEXT   NOT NULL DEFAULT '',
    excerpt     TEXT   NOT NULL DEFAULT '',
    status      TEXT   NOT NULL DEFAULT 'open',
    decided_by  BIGINT REFERENCES members (id) ON DELETE SET NULL,
    decided_at  BIGINT,
    decision    TEXT   NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX reports_status_idx ON reports (status, id);
CREATE INDEX reports_member_idx ON reports (member_id);
CREATE INDEX reports_reporter_idx ON reports (reporter_id);
CREATE UNIQUE INDEX reports_once_idx ON reports (reporter_id, subject, subject_id);

ALTER TABLE posts ADD COLUMN hidden_at BIGINT;
ALTER TABLE comments ADD COLUMN hidden_at BIGINT;
ALTER TABLE members ADD COLUMN suspended_at BIGINT;
