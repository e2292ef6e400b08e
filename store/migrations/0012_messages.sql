-- Direct messages between connections, notifications and profile views.
-- A message outlives its sender's account (sender_id NULL: "a former
-- member"). A thread member's last_read is the id of the newest message
-- they read; left_at is set when they left the thread.

CREATE TABLE threads (
    id         INTEGER PRIMARY KEY,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE thread_members (
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    last_read BIGINT NOT NULL DEFAULT 0,
    left_at   BIGINT,
    PRIMARY KEY (thread_id, member_id)
);
CREATE INDEX thread_members_member_idx ON thread_members (member_id, thread_id);

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    thread_id  BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    sender_id  BIGINT REFERENCES members (id) ON DELETE SET NULL,
    body       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX messages_thread_idx ON messages (thread_id, id);
CREATE INDEX messages_sender_idx ON messages (sender_id);

-- A message sent while a block stood between its sender and a member of
-- the thread is never shown to that member, even after the block is
-- lifted.
CREATE TABLE message_hidden (
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (member_id, message_id)
);

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    member_id       BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind            TEXT   NOT NULL,
    actor_id        BIGINT REFERENCES members (id) ON DELETE CASCADE,
    post_id         BIGINT REFERENCES posts (id) ON DELETE CASCADE,
    comment_id      BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    thread_id       BIGINT REFERENCES threads (id) ON DELETE CASCADE,
    invitation_id   BIGINT REFERENCES invitations (id) ON DELETE CASCADE,
    seat_id         BIGINT REFERENCES seats (id) ON DELETE CASCADE,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    reaction        TEXT   NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    read_at         BIGINT
);
CREATE INDEX notifications_member_idx ON notifications (member_id, id);
CREATE INDEX notifications_actor_idx ON notifications (actor_id);
CREATE INDEX notifications_post_idx ON notifications (post_id);
CREATE INDEX notifications_thread_idx ON notifications (thread_id);
CREATE INDEX notifications_invitation_idx ON notifications (invitation_id);

ALTER TABLE members ADD COLUMN profile_viewing TEXT NOT NULL DEFAULT 'named';

-- One row a viewer and member viewed: the latest view, and whether the
-- viewer was in private mode then.
CREATE TABLE profile_views (
    viewed_id BIGINT  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    viewer_id BIGINT  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    private   BOOLEAN NOT NULL,
    viewed_at BIGINT  NOT NULL,
    PRIMARY KEY (viewed_id, viewer_id)
);
CREATE INDEX profile_views_viewed_idx ON profile_views (viewed_id, viewed_at);
CREATE INDEX profile_views_viewer_idx ON profile_views (viewer_id);
