-- What Docent knows about the provider key beyond its last test (server/openrouter/key-status.ts and
-- credit-watch.ts). One row each; `fingerprint` ties a row to one key on one endpoint, so a new key
-- starts with no status. Kept out of `settings`: these are observations, not choices to export.
CREATE TABLE key_status (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL,     -- ok | invalid_key | payment_required | rate_limited | unreachable
  since INTEGER NOT NULL,  -- unix ms: when this state began (for a failure, the first one of the streak)
  message TEXT,            -- for a failure: the sentence describing it to the admin
  call TEXT NOT NULL       -- answer | embedding | key | funded | keyless: the call that set the state
);

CREATE TABLE balance_check (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  fingerprint TEXT NOT NULL,
  checked_at INTEGER NOT NULL,  -- unix ms of the last attempt: periodic checks wait an hour from it, across restarts
  amount REAL,                  -- USD the key can still spend; NULL when neither /credits nor the key's limit is readable
  source TEXT,                  -- 'credits' (account balance) or 'key_limit' (the key's remaining limit)
  measured_at INTEGER           -- unix ms when `amount` was read (a failed attempt keeps the last amount)
);
