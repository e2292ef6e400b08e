-- Every post written or deleted, in the transaction that does it, so that
-- several processes sharing one database keep their timeline indexes in
-- step by reading it (see store.FindPostChanges and service.FollowChanges).
-- The post's author, organization and time are kept here because a deleted
-- post has no row left to read them from.
CREATE TABLE post_changes (
    id              INTEGER PRIMARY KEY,
    post_id         BIGINT NOT NULL,
    author_id       BIGINT NOT NULL,
    organization_id BIGINT,
    posted_at       BIGINT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX post_changes_at_idx ON post_changes (at);
