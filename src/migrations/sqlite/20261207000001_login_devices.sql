-- Device cookies (RELIABILITY.md #4, OWASP "device cookies"): a browser that has signed in to an
-- account carries a random token; only its SHA-256 is kept here, bound to the account. A login
-- presenting it is throttled on its own counter ('d:<hash>' in login_throttle), apart from the
-- account's and the address's, so an attack on the account never keeps its owner out.
-- Same in ../sqlite and ../postgres.
CREATE TABLE login_devices (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- When this token was issued (unix seconds); it is replaced at every sign-in with it.
    created_at BIGINT NOT NULL
);
CREATE INDEX login_devices_user ON login_devices(user_id, created_at);
