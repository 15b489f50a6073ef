-- Insights on the Dashboard (server/dashboard/insights*.ts): daily rollups of what the widget's stored
-- conversations say, kept by triggers as messages are written, so the Dashboard reads a few thousand rollup rows
-- instead of grouping a million messages (grouping the raw messages measured several seconds at 1M messages;
-- see `npm run bench insights`). Widget conversations only, like the usage numbers: the admin's Playground tests
-- are not visitors. Traffic and cost per day come from usage_days (migration 007), which holds with storing off.
--
-- An answer counts once it is stored: "answered" = a complete answer (not "I don't know", not failed, not links
-- only); a stopped answer counts neither way. The triggers find a conversation's channel with one primary-key
-- lookup and an answer's question with one step back along messages_conversation.

-- Answers and thumbs per UTC day. Like usage_days, these are counts of what happened: deleting a conversation
-- later (by retention or by hand) does not change them. They hold no text.
CREATE TABLE insight_days (
  day TEXT PRIMARY KEY,                        -- YYYY-MM-DD, UTC, of the answer
  answers INTEGER NOT NULL DEFAULT 0,          -- stored answers, stopped ones left out
  answered INTEGER NOT NULL DEFAULT 0,         -- of which complete
  thumbs_up INTEGER NOT NULL DEFAULT 0,
  thumbs_down INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- The distinct question texts visitors asked, each once, with the latest conversation that asked it and the latest
-- where it went unanswered (where to "Improve answer"). These hold visitors' words, so deleting a conversation takes
-- its questions out (see insights_question_deleted): retention and "Delete" apply here too.
CREATE TABLE questions (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE,                   -- exactly as asked (its SHA-256 keys the cached question vector)
  conversation_id TEXT,
  unanswered_conversation_id TEXT
);

-- What became of each question per UTC day. Only numbers, keyed by question first: summing a range groups along
-- the primary key with no sort (the 90-day lists at 1M messages read ~300k rows of ~20 bytes).
CREATE TABLE question_days (
  question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  day TEXT NOT NULL,                           -- YYYY-MM-DD, UTC, of the question
  asked INTEGER NOT NULL DEFAULT 0,
  answered INTEGER NOT NULL DEFAULT 0,         -- a complete answer followed
  unanswered INTEGER NOT NULL DEFAULT 0,       -- "I don't know", failed, or links only
  thumbs_down INTEGER NOT NULL DEFAULT 0,      -- complete answers the visitor marked down: answered, not well
  PRIMARY KEY (question_id, day)
) WITHOUT ROWID;

-- Which documents complete answers drew on, per UTC day: each answer counts once per document, whatever the
-- number of its chunks used. Goes with the document.
CREATE TABLE document_use_days (
  document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  answers INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (document_id, day)
) WITHOUT ROWID;
CREATE INDEX document_use_days_day ON document_use_days (day, document_id, answers);

CREATE TRIGGER insights_question AFTER INSERT ON messages
WHEN new.role = 'user' AND (SELECT channel FROM conversations WHERE id = new.conversation_id) = 'widget'
BEGIN
  INSERT INTO questions (text, conversation_id) VALUES (new.text, new.conversation_id)
    ON CONFLICT (text) DO UPDATE SET conversation_id = excluded.conversation_id;
  INSERT INTO question_days (question_id, day, asked) VALUES ((SELECT id FROM questions WHERE text = new.text), substr(new.created_at, 1, 10), 1)
    ON CONFLICT (question_id, day) DO UPDATE SET asked = asked + 1;
END;

CREATE TRIGGER insights_answer AFTER INSERT ON messages
WHEN new.role = 'assistant' AND new.status <> 'stopped' AND (SELECT channel FROM conversations WHERE id = new.conversation_id) = 'widget'
BEGIN
  INSERT INTO insight_days (day, answers, answered, thumbs_up, thumbs_down)
    VALUES (substr(new.created_at, 1, 10), 1, new.status = 'complete', new.feedback IS 'up', new.feedback IS 'down')
    ON CONFLICT (day) DO UPDATE SET answers = answers + 1, answered = answered + excluded.answered,
      thumbs_up = thumbs_up + excluded.thumbs_up, thumbs_down = thumbs_down + excluded.thumbs_down;
  UPDATE question_days SET
      answered = answered + (new.status = 'complete'),
      unanswered = unanswered + (new.status <> 'complete'),
      thumbs_down = thumbs_down + (new.status = 'complete' AND new.feedback IS 'down')
    WHERE (question_id, day) = (SELECT qq.id, substr(q.created_at, 1, 10) FROM messages q JOIN questions qq ON qq.text = q.text
      WHERE q.conversation_id = new.conversation_id AND q.role = 'user' AND q.rowid < new.rowid ORDER BY q.rowid DESC LIMIT 1);
  UPDATE questions SET unanswered_conversation_id = new.conversation_id
    WHERE new.status <> 'complete' AND text = (SELECT q.text FROM messages q
      WHERE q.conversation_id = new.conversation_id AND q.role = 'user' AND q.rowid < new.rowid ORDER BY q.rowid DESC LIMIT 1);
  INSERT INTO document_use_days (document_id, day, answers)
    SELECT DISTINCT c.document_id, substr(new.created_at, 1, 10), 1 FROM json_each(new.retrieved) j JOIN chunks c ON c.id = j.value ->> 'chunkId'
    WHERE new.status = 'complete' AND json_valid(new.retrieved)
    ON CONFLICT (document_id, day) DO UPDATE SET answers = answers + 1;
END;

CREATE TRIGGER insights_feedback AFTER UPDATE OF feedback ON messages
WHEN new.role = 'assistant' AND new.status <> 'stopped' AND old.feedback IS NOT new.feedback
  AND (SELECT channel FROM conversations WHERE id = new.conversation_id) = 'widget'
BEGIN
  INSERT INTO insight_days (day, thumbs_up, thumbs_down)
    VALUES (substr(new.created_at, 1, 10), (new.feedback IS 'up') - (old.feedback IS 'up'), (new.feedback IS 'down') - (old.feedback IS 'down'))
    ON CONFLICT (day) DO UPDATE SET thumbs_up = thumbs_up + excluded.thumbs_up, thumbs_down = thumbs_down + excluded.thumbs_down;
  UPDATE question_days SET thumbs_down = max(0, thumbs_down + (new.feedback IS 'down') - (old.feedback IS 'down'))
    WHERE new.status = 'complete' AND (question_id, day) = (SELECT qq.id, substr(q.created_at, 1, 10) FROM messages q JOIN questions qq ON qq.text = q.text
      WHERE q.conversation_id = new.conversation_id AND q.role = 'user' AND q.rowid < new.rowid ORDER BY q.rowid DESC LIMIT 1);
END;

-- A deleted question leaves the lists. Its outcome cannot be told apart from the same text's other askings that
-- day, so the outcome counts are kept no larger than what is left; a day nobody asked it is dropped, and so is a
-- question nobody asked any more (its text with it). A link to the deleted conversation is dropped too.
CREATE TRIGGER insights_question_deleted AFTER DELETE ON messages WHEN old.role = 'user'
BEGIN
  UPDATE question_days SET asked = asked - 1, answered = min(answered, asked - 1), unanswered = min(unanswered, asked - 1),
      thumbs_down = min(thumbs_down, asked - 1)
    WHERE question_id = (SELECT id FROM questions WHERE text = old.text) AND day = substr(old.created_at, 1, 10);
  DELETE FROM question_days WHERE question_id = (SELECT id FROM questions WHERE text = old.text) AND day = substr(old.created_at, 1, 10) AND asked <= 0;
  UPDATE questions SET
      conversation_id = CASE WHEN conversation_id = old.conversation_id THEN NULL ELSE conversation_id END,
      unanswered_conversation_id = CASE WHEN unanswered_conversation_id = old.conversation_id THEN NULL ELSE unanswered_conversation_id END
    WHERE text = old.text;
  DELETE FROM questions WHERE text = old.text AND NOT EXISTS (SELECT 1 FROM question_days WHERE question_id = questions.id);
END;

-- What was stored before this migration counts too.
INSERT INTO insight_days (day, answers, answered, thumbs_up, thumbs_down)
  SELECT substr(m.created_at, 1, 10), count(*), sum(m.status = 'complete'), sum(m.feedback IS 'up'), sum(m.feedback IS 'down')
  FROM messages m JOIN conversations c ON c.id = m.conversation_id
  WHERE m.role = 'assistant' AND m.status <> 'stopped' AND c.channel = 'widget'
  GROUP BY substr(m.created_at, 1, 10);

CREATE TEMP TABLE asked_before AS
  SELECT substr(q.created_at, 1, 10) AS day, q.text, q.conversation_id, q.created_at, a.status, a.feedback
  FROM messages q JOIN conversations c ON c.id = q.conversation_id
  LEFT JOIN messages a ON a.rowid = (SELECT n.rowid FROM messages n WHERE n.conversation_id = q.conversation_id AND n.rowid > q.rowid ORDER BY n.rowid LIMIT 1)
    AND a.role = 'assistant'
  WHERE q.role = 'user' AND c.channel = 'widget';
INSERT INTO questions (text, conversation_id, unanswered_conversation_id)
  SELECT text, substr(max(created_at || conversation_id), 25), -- created_at is 24 characters: the latest one's id
    substr(max(CASE WHEN status IN ('no_answer', 'error', 'links_only') THEN created_at || conversation_id END), 25)
  FROM asked_before GROUP BY text;
INSERT INTO question_days (question_id, day, asked, answered, unanswered, thumbs_down)
  SELECT q.id, b.day, count(*), coalesce(sum(b.status = 'complete'), 0), coalesce(sum(b.status IN ('no_answer', 'error', 'links_only')), 0),
    coalesce(sum(b.status = 'complete' AND b.feedback IS 'down'), 0)
  FROM asked_before b JOIN questions q ON q.text = b.text GROUP BY q.id, b.day;
DROP TABLE asked_before;

INSERT INTO document_use_days (document_id, day, answers)
  SELECT document_id, day, count(*) FROM (
    SELECT DISTINCT m.rowid, c.document_id, substr(m.created_at, 1, 10) AS day
    FROM messages m JOIN conversations v ON v.id = m.conversation_id, json_each(m.retrieved) j JOIN chunks c ON c.id = j.value ->> 'chunkId'
    WHERE m.role = 'assistant' AND m.status = 'complete' AND v.channel = 'widget' AND json_valid(m.retrieved))
  GROUP BY document_id, day;
