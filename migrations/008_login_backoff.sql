-- Failed admin logins counted for the account, not per IP address, so guessing from many addresses is
-- slowed down too (server/auth/login-backoff.ts). Kept in SQLite so a restart does not reset the count.
CREATE TABLE login_backoff (
  account_id INTEGER PRIMARY KEY REFERENCES admin (id) ON DELETE CASCADE,
  failures INTEGER NOT NULL,        -- failed logins in a row: reset by a successful login, forgotten after an hour
  last_failure_at INTEGER NOT NULL, -- unix ms
  blocked_until INTEGER NOT NULL    -- unix ms; no login attempt is checked before then (except from a known browser)
);
