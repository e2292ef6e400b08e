-- Imports of contacts files from the pages, stored in the background so
-- that the page can show their progress, then their report.

CREATE TABLE contact_imports (
    id         INTEGER PRIMARY KEY,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status     TEXT   NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    total      INTEGER NOT NULL DEFAULT 0,
    report     TEXT   NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX contact_imports_member_idx ON contact_imports (member_id, id);
