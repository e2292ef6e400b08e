-- Archives of a member's data, built in the background and kept for 72
-- hours; and whether a member's connections may see their email address
-- (in their own exports of their connections).

CREATE TABLE data_exports (
    id         INTEGER PRIMARY KEY,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status     TEXT   NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    total      INTEGER NOT NULL DEFAULT 0,
    archive    BLOB,
    size       BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    expires_at BIGINT
);
CREATE INDEX data_exports_member_idx ON data_exports (member_id, id);

ALTER TABLE members ADD COLUMN email_to_connections BOOLEAN NOT NULL DEFAULT TRUE;
