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

-- Each distinct question text per UTC day, with what became of it. These hold visitors' words, so deleting a
-- conversation takes its questions out (see insights_question_deleted): retention and "Delete" apply here too.
CREATE TABLE question_days (
  day TEXT NOT NULL,                           -- YYYY-MM-DD, UTC, of the question
  question TEXT NOT NULL,                      -- exactly as asked (its SHA-256 keys the cached question vector)
  asked INTEGER NOT NULL DEFAULT 0,
  answered INTEGER NOT NULL DEFAULT 0,         -- a complete answer followed
  unanswered INTEGER NOT NULL DEFAULT 0,       -- "I don't know", failed, or links only
  thumbs_down INTEGER NOT NULL DEFAULT 0,      -- complete answers the visitor marked down: answered, not well
  conversation_id TEXT,                        -- the latest conversation that asked it
  unanswered_conversation_id TEXT,             -- the latest one that got no answer: where to "Improve answer"
  PRIMARY KEY (day, question)
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
  INSERT INTO question_days (day, question, asked, conversation_id) VALUES (substr(new.created_at, 1, 10), new.text, 1, new.conversation_id)
    ON CONFLICT (day, question) DO UPDATE SET asked = asked + 1, conversation_id = excluded.conversation_id;
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
      thumbs_down = thumbs_down + (new.status = 'complete' AND new.feedback IS 'down'),
      unanswered_conversation_id = CASE WHEN new.status <> 'complete' THEN new.conversation_id ELSE unanswered_conversation_id END
    WHERE (day, question) = (SELECT substr(q.created_at, 1, 10), q.text FROM messages q
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
    WHERE new.status = 'complete' AND (day, question) = (SELECT substr(q.created_at, 1, 10), q.text FROM messages q
      WHERE q.conversation_id = new.conversation_id AND q.role = 'user' AND q.rowid < new.rowid ORDER BY q.rowid DESC LIMIT 1);
END;

-- A deleted question leaves the lists. Its outcome cannot be told apart from the same text's other askings that
-- day, so the outcome counts are kept no larger than what is left; a (day, question) asked by no one is dropped.
CREATE TRIGGER insights_question_deleted AFTER DELETE ON messages WHEN old.role = 'user'
BEGIN
  UPDATE question_days SET asked = asked - 1, answered = min(answered, asked - 1), unanswered = min(unanswered, asked - 1),
      thumbs_down = min(thumbs_down, asked - 1),
      conversation_id = CASE WHEN conversation_id = old.conversation_id THEN NULL ELSE conversation_id END,
      unanswered_conversation_id = CASE WHEN unanswered_conversation_id = old.conversation_id THEN NULL ELSE unanswered_conversation_id END
    WHERE day = substr(old.created_at, 1, 10) AND question = old.text;
  DELETE FROM question_days WHERE day = substr(old.created_at, 1, 10) AND question = old.text AND asked <= 0;
END;

-- What was stored before this migration counts too.
INSERT INTO insight_days (day, answers, answered, thumbs_up, thumbs_down)
  SELECT substr(m.created_at, 1, 10), count(*), sum(m.status = 'complete'), sum(m.feedback IS 'up'), sum(m.feedback IS 'down')
  FROM messages m JOIN conversations c ON c.id = m.conversation_id
  WHERE m.role = 'assistant' AND m.status <> 'stopped' AND c.channel = 'widget'
  GROUP BY substr(m.created_at, 1, 10);

INSERT INTO question_days (day, question, asked, answered, unanswered, thumbs_down, conversation_id, unanswered_conversation_id)
  SELECT day, question, count(*), coalesce(sum(status = 'complete'), 0), coalesce(sum(status IN ('no_answer', 'error', 'links_only')), 0),
    coalesce(sum(status = 'complete' AND feedback IS 'down'), 0), max(conversation_id),
    max(CASE WHEN status IN ('no_answer', 'error', 'links_only') THEN conversation_id END)
  FROM (SELECT substr(q.created_at, 1, 10) AS day, q.text AS question, q.conversation_id, a.status, a.feedback
    FROM messages q JOIN conversations c ON c.id = q.conversation_id
    LEFT JOIN messages a ON a.rowid = (SELECT n.rowid FROM messages n WHERE n.conversation_id = q.conversation_id AND n.rowid > q.rowid ORDER BY n.rowid LIMIT 1)
      AND a.role = 'assistant'
    WHERE q.role = 'user' AND c.channel = 'widget')
  GROUP BY day, question;

INSERT INTO document_use_days (document_id, day, answers)
  SELECT document_id, day, count(*) FROM (
    SELECT DISTINCT m.rowid, c.document_id, substr(m.created_at, 1, 10) AS day
    FROM messages m JOIN conversations v ON v.id = m.conversation_id, json_each(m.retrieved) j JOIN chunks c ON c.id = j.value ->> 'chunkId'
    WHERE m.role = 'assistant' AND m.status = 'complete' AND v.channel = 'widget' AND json_valid(m.retrieved))
  GROUP BY document_id, day;
