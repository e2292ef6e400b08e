-- What is made from a seat: projects of candidates, notes on candidates,
-- saved searches and InMail. All of it is keyed by the seat, so that it
-- belongs to the organization and stays with the seat when the seat is
-- reassigned; nothing of it is keyed by the holder's personal account.

CREATE TABLE recruiter_projects (
    id         INTEGER PRIMARY KEY,
    seat_id    BIGINT NOT NULL REFERENCES seats (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX recruiter_projects_seat_idx ON recruiter_projects (seat_id, id);

CREATE TABLE recruiter_candidates (
    project_id BIGINT NOT NULL REFERENCES recruiter_projects (id) ON DELETE CASCADE,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    stage      TEXT   NOT NULL,
    added_at   BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, member_id)
);

CREATE TABLE recruiter_notes (
    id         INTEGER PRIMARY KEY,
    seat_id    BIGINT NOT NULL REFERENCES seats (id) ON DELETE CASCADE,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    author_id  BIGINT NOT NULL,
    body       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX recruiter_notes_seat_member_idx ON recruiter_notes (seat_id, member_id, id);

CREATE TABLE saved_searches (
    id         INTEGER PRIMARY KEY,
    seat_id    BIGINT NOT NULL REFERENCES seats (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    query      TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX saved_searches_seat_idx ON saved_searches (seat_id, id);

-- An InMail thread joins a seat and a member who is not the holder's
-- connection. The recipient's copy is the same thread, read by recipient_id:
-- it stays as long as their account does, whatever happens to the seat.
CREATE TABLE inmail_threads (
    id           INTEGER PRIMARY KEY,
    seat_id      BIGINT NOT NULL REFERENCES seats (id),
    recipient_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    subject      TEXT   NOT NULL,
    status       TEXT   NOT NULL,
    report       TEXT   NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX inmail_threads_seat_idx ON inmail_threads (seat_id, updated_at);
CREATE INDEX inmail_threads_recipient_idx ON inmail_threads (recipient_id, updated_at);

CREATE TABLE inmail_messages (
    id         INTEGER PRIMARY KEY,
    thread_id  BIGINT NOT NULL REFERENCES inmail_threads (id) ON DELETE CASCADE,
    sender_id  BIGINT NOT NULL,
    from_seat  BOOLEAN NOT NULL,
    body       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX inmail_messages_thread_idx ON inmail_messages (thread_id, id);
