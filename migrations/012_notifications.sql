-- Notifications (server/notifications): what Docent sends the admin by e-mail and webhook.
--
-- The outbox: one row per event and channel. A producer only inserts here (a visitor's answer never waits for
-- a mail server); the delivery loop sends pending rows in the background, and because they are rows, pending
-- deliveries survive a restart or a crash. UNIQUE (event_key, channel) is what makes each event go out once.
-- Delivered and given-up rows stay a while as the history the Notifications screen shows.
CREATE TABLE notification_outbox (
  id INTEGER PRIMARY KEY,
  event_key TEXT NOT NULL,         -- one occurrence: 'alert:42' (dashboard alert 42), 'digest:2025-05-05T08', 'lead:7'
  event TEXT NOT NULL,             -- the catalogue's type: 'invalid_key', 'digest', 'new_lead', ...
  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  payload TEXT NOT NULL,           -- the JSON a webhook receives: {"event","id","createdAt","data"}; e-mail is rendered from it
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL, -- unix ms: a pending row is sent from then on
  last_error TEXT,                 -- the last failure, as a sentence for the admin
  created_at INTEGER NOT NULL,     -- unix ms
  finished_at INTEGER,             -- unix ms: delivered or given up
  UNIQUE (event_key, channel)
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX notification_outbox_event ON notification_outbox (event, created_at);

-- The digest's schedule state: the last scheduled time (unix ms) that was handled, so a restart neither skips
-- nor repeats a digest, and turning it on or changing its time starts from the next slot.
CREATE TABLE notification_digest (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_slot INTEGER NOT NULL
);
