-- A member's private note and tags on each of their connections, and who
-- may see a member's list of connections.
CREATE TABLE connection_notes (
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    other_id   BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    note       TEXT   NOT NULL DEFAULT '',
    tags       TEXT   NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, other_id)
);

ALTER TABLE members ADD COLUMN connections_visibility TEXT NOT NULL DEFAULT 'connections';

-- One member following another. Connections follow each other from the
-- moment they connect, and either can unfollow without disconnecting.
CREATE TABLE follows (
    follower_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    followed_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (follower_id, followed_id)
);
CREATE INDEX follows_followed_idx ON follows (followed_id);
