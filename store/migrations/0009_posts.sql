-- Posts, profile-update broadcasts, reactions and comments. A post is
-- written by a member, as themselves or (organization_id set) as an
-- organization they are a content admin of. An update is a post the site
-- writes for a member who changed their profile while sharing updates.
-- Who may see a post is decided when it is read (service/posts.go).

ALTER TABLE members ADD COLUMN share_updates BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE posts (
    id              INTEGER PRIMARY KEY,
    author_id       BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    kind            TEXT   NOT NULL,
    audience        TEXT   NOT NULL,
    body            TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX posts_author_idx ON posts (author_id, created_at, id);
CREATE INDEX posts_organization_idx ON posts (organization_id, created_at, id);
CREATE INDEX posts_created_idx ON posts (created_at, id);

CREATE TABLE post_mentions (
    post_id   BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, member_id)
);
CREATE INDEX post_mentions_member_idx ON post_mentions (member_id);

CREATE TABLE reactions (
    post_id    BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, member_id)
);
CREATE INDEX reactions_member_idx ON reactions (member_id);

CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    post_id    BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    body       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX comments_post_idx ON comments (post_id, id);
CREATE INDEX comments_author_idx ON comments (author_id);
