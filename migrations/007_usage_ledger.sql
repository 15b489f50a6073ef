-- Usage is counted apart from conversations, so the per-visitor limits, the daily spend cap and the
-- dashboard's numbers hold whether transcripts are kept, deleted by retention, deleted by the admin, or never
-- stored ("Store conversations" off). Neither table holds any message text.

-- One row per question that reached the answering pipeline: when, whose (the keyed visitor hash conversations
-- already use), from where, and what its answer cost (query embedding + completion, set when the answer is done).
-- The limits look back one UTC day at most, so rows older than two days are pruned.
CREATE TABLE usage_ledger (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  visitor_hash TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('widget', 'playground')),
  cost REAL NOT NULL DEFAULT 0
);
CREATE INDEX usage_ledger_visitor ON usage_ledger (visitor_hash, created_at);
CREATE INDEX usage_ledger_created ON usage_ledger (created_at);

-- Totals per UTC day and channel, for the dashboard's day and month (a few rows a day, kept).
-- conversations = conversations started that day; messages = questions + answers.
CREATE TABLE usage_days (
  day TEXT NOT NULL, -- YYYY-MM-DD, UTC
  channel TEXT NOT NULL CHECK (channel IN ('widget', 'playground')),
  conversations INTEGER NOT NULL DEFAULT 0,
  messages INTEGER NOT NULL DEFAULT 0,
  tokens INTEGER NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (day, channel)
) WITHOUT ROWID;

-- What was stored before this migration still counts: the last two days of questions, each with the cost
-- of the answer that followed it, and the daily totals of every stored message.
INSERT INTO usage_ledger (created_at, visitor_hash, channel, cost)
  SELECT m.created_at, c.visitor_hash, c.channel,
    coalesce((SELECT a.cost FROM messages a WHERE a.conversation_id = m.conversation_id AND a.role = 'assistant' AND a.rowid > m.rowid
      ORDER BY a.rowid LIMIT 1), 0)
  FROM messages m JOIN conversations c ON c.id = m.conversation_id
  WHERE m.role = 'user' AND m.created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2 days')
  ORDER BY m.created_at, m.rowid;

INSERT INTO usage_days (day, channel, messages, tokens, cost)
  SELECT substr(m.created_at, 1, 10), c.channel, count(*), sum(m.prompt_tokens + m.completion_tokens), sum(m.cost)
  FROM messages m JOIN conversations c ON c.id = m.conversation_id
  GROUP BY substr(m.created_at, 1, 10), c.channel;
UPDATE usage_days SET conversations = (SELECT count(*) FROM conversations c
  WHERE substr(c.created_at, 1, 10) = usage_days.day AND c.channel = usage_days.channel);
