-- Members, their profiles, sessions, tokens and the records that guard sign-in.
-- Written once for both databases: "INTEGER PRIMARY KEY" becomes an identity
-- column on PostgreSQL (see dialect.go). Times are Unix microseconds.

CREATE TABLE members (
    id            INTEGER PRIMARY KEY,
    handle        TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'active',
    headline      TEXT    NOT NULL DEFAULT '',
    about         TEXT    NOT NULL DEFAULT '',
    location      TEXT    NOT NULL DEFAULT '',
    visibility    TEXT    NOT NULL DEFAULT 'public',
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE UNIQUE INDEX members_handle_key ON members (handle);
CREATE UNIQUE INDEX members_email_key ON members (email_key);

CREATE TABLE positions (
    id                INTEGER PRIMARY KEY,
    member_id         BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    title             TEXT   NOT NULL,
    organization_name TEXT   NOT NULL,
    location          TEXT   NOT NULL DEFAULT '',
    start_month       TEXT   NOT NULL,
    end_month         TEXT,
    description       TEXT   NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL
);
CREATE INDEX positions_member_idx ON positions (member_id);

CREATE TABLE education (
    id         INTEGER PRIMARY KEY,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    school     TEXT   NOT NULL,
    degree     TEXT   NOT NULL DEFAULT '',
    field      TEXT   NOT NULL DEFAULT '',
    start_year BIGINT NOT NULL DEFAULT 0,
    end_year   BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX education_member_idx ON education (member_id);

CREATE TABLE skills (
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    position  BIGINT NOT NULL,
    name      TEXT   NOT NULL,
    PRIMARY KEY (member_id, position)
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    member_id    BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    user_agent   TEXT   NOT NULL DEFAULT '',
    ip           TEXT   NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX sessions_token_key ON sessions (token_hash);
CREATE INDEX sessions_member_idx ON sessions (member_id);

CREATE TABLE access_tokens (
    id           INTEGER PRIMARY KEY,
    member_id    BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX access_tokens_token_key ON access_tokens (token_hash);
CREATE INDEX access_tokens_member_idx ON access_tokens (member_id);

CREATE TABLE password_resets (
    token_hash TEXT   PRIMARY KEY,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX password_resets_member_idx ON password_resets (member_id);

-- Failed sign-ins, by "email:<key>" and by "ip:<address>", so that throttling
-- survives a restart and holds across several processes.
CREATE TABLE login_failures (
    key TEXT   NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at_idx ON login_failures (key, at);
