-- Issue 11, parts 2 and 3.
-- qa_document_id: the Q&A entry an answer was given from word for word (no model call), null for the model's
-- answers. Not a foreign key: the mark stays true after the entry is deleted, and deleting a document must not
-- scan the messages table.
ALTER TABLE messages ADD COLUMN qa_document_id INTEGER;
-- improved_at / improved_qa_id: the admin turned this answer into a Q&A entry with "Improve answer" (when, and
-- which entry); a conversation with such a message is "improved".
ALTER TABLE messages ADD COLUMN improved_at TEXT;
ALTER TABLE messages ADD COLUMN improved_qa_id INTEGER;
