-- Two-factor sign-in: a TOTP secret (set up, then enabled once a code
-- proves the member's app has it), the last time step whose code was used
-- (each code works once), and ten single-use recovery codes, kept hashed.

ALTER TABLE members ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN totp_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE members ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

CREATE TABLE recovery_codes (
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    code_hash TEXT   NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (member_id, code_hash)
);
