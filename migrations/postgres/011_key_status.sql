-- What Docent knows about the provider key beyond its last test (server/openrouter/key-status.ts and
-- credit-watch.ts). One row each; `fingerprint` ties a row to one key on one endpoint.
CREATE TABLE key_status (
  id integer PRIMARY KEY CHECK (id = 1),
  fingerprint text NOT NULL,
  state text NOT NULL,
  since bigint NOT NULL,
  message text,
  call text NOT NULL
);

CREATE TABLE balance_check (
  id integer PRIMARY KEY CHECK (id = 1),
  fingerprint text NOT NULL,
  checked_at bigint NOT NULL,
  amount double precision,
  source text,
  measured_at bigint
);
