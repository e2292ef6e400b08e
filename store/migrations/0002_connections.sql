-- Invitations, connections and blocks. A connection is stored once for each
-- of its two members, so that every row is keyed by the member it belongs to.

CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    sender_id    BIGINT  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    recipient_id BIGINT  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    how_met      TEXT    NOT NULL,
    position_id  BIGINT  NOT NULL DEFAULT 0,
    education_id BIGINT  NOT NULL DEFAULT 0,
    note         TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL,
    dont_know    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE INDEX invitations_recipient_idx ON invitations (recipient_id, status, created_at);
CREATE INDEX invitations_sender_idx ON invitations (sender_id, created_at);
-- At most one open invitation from one member to another.
CREATE UNIQUE INDEX invitations_open_key ON invitations (sender_id, recipient_id) WHERE status IN ('pending', 'ignored');

-- WITHOUT ROWID (SQLite only; see dialect.go) keeps the rows in the order
-- of their key: one B-tree, and a member's connections side by side.
CREATE TABLE connections (
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    other_id   BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, other_id)
) WITHOUT ROWID;

CREATE TABLE blocks (
    blocker_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    blocked_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_blocked_idx ON blocks (blocked_id);
