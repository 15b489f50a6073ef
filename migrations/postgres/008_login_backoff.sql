-- Failed admin logins counted for the account, not per IP address (server/auth/login-backoff.ts).
CREATE TABLE login_backoff (
  account_id integer PRIMARY KEY REFERENCES admin (id) ON DELETE CASCADE,
  failures integer NOT NULL,
  last_failure_at bigint NOT NULL, -- unix ms
  blocked_until bigint NOT NULL    -- unix ms
);
