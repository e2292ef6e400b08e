-- Every change to a connection, in the transaction that makes it, so that
-- several processes sharing one database keep their graph indexes in step
-- by reading it (see store.FindGraphChanges and service.FollowGraph).
CREATE TABLE graph_changes (
    id        INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL,
    other_id  BIGINT NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX graph_changes_at_idx ON graph_changes (at);
