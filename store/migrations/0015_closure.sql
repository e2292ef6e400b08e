-- A closed account (status 'closed') can be reopened by logging in within
-- 14 days of closed_at; after that its personal data is deleted for good.

ALTER TABLE members ADD COLUMN closed_at BIGINT;
CREATE INDEX members_closed_idx ON members (closed_at);
