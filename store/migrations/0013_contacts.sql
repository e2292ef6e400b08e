-- Contacts: the business cards a member keeps, visible to them alone.
-- Their email addresses are kept normalized beside them, to find the
-- members they belong to (where those members allow it).

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    owner_id     BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    phones       TEXT   NOT NULL DEFAULT '',
    organization TEXT   NOT NULL DEFAULT '',
    title        TEXT   NOT NULL DEFAULT '',
    notes        TEXT   NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX contacts_owner_idx ON contacts (owner_id, name);

CREATE TABLE contact_emails (
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    email      TEXT   NOT NULL,
    email_key  TEXT   NOT NULL,
    PRIMARY KEY (contact_id, position)
);
CREATE INDEX contact_emails_key_idx ON contact_emails (email_key);

ALTER TABLE members ADD COLUMN find_by_email TEXT NOT NULL DEFAULT 'everyone';
