-- Every change to what a member's profile says, in the transaction that
-- makes it, so that several processes sharing one database keep their
-- search indexes in step by reading it (see store.FindProfileChanges and
-- service.FollowChanges).
CREATE TABLE profile_changes (
    id        INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX profile_changes_at_idx ON profile_changes (at);
