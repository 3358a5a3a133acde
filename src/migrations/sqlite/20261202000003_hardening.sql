-- Hardening: the login throttle's counters (shared by every process on this database, kept over
-- restarts) and one-time passwords. Same in ../sqlite and ../postgres.
CREATE TABLE login_throttle (
    -- 'ua:<username>|<address>', 'u:<username>' or 'a:<address>'.
    key TEXT PRIMARY KEY,
    -- Attempts counted (each before its password is checked) since the last success or quiet spell.
    failures BIGINT NOT NULL,
    -- No attempt for this key is checked before this time (unix seconds).
    blocked_until BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX login_throttle_updated ON login_throttle(updated_at);

-- 1 after someone else set the password (an administrator's reset, the CLI, an import): the
-- user must choose their own at the next sign-in before doing anything else.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
