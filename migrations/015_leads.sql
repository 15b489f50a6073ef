-- Leads (server/leads): a visitor who asked to talk to a person ("talk"), or gave their name and e-mail in the
-- pre-chat form ("pre_chat"). visitor_hash is the same keyed hash conversations use (the raw id is never stored):
-- it limits leads per visitor and finds a pre-chat lead's conversation, started after it. The conversation is
-- attached when it is stored; deleting it (retention, the admin) keeps the lead without its transcript.
CREATE TABLE leads (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('talk', 'pre_chat')),
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  consent_text TEXT NOT NULL DEFAULT '',  -- the consent text the visitor agreed to, as it read then ('' when none was asked)
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'closed')),
  visitor_hash TEXT NOT NULL,
  conversation_id TEXT REFERENCES conversations (id) ON DELETE SET NULL,
  origin TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX leads_status_created ON leads (status, created_at);
CREATE INDEX leads_created ON leads (created_at);
CREATE INDEX leads_visitor ON leads (visitor_hash, created_at);
CREATE INDEX leads_conversation ON leads (conversation_id) WHERE conversation_id IS NOT NULL;
