-- qa_document_id: the Q&A entry an answer was given from word for word; improved_at / improved_qa_id: the admin
-- turned this answer into a Q&A entry with "Improve answer".
ALTER TABLE messages ADD COLUMN qa_document_id bigint;
ALTER TABLE messages ADD COLUMN improved_at text;
ALTER TABLE messages ADD COLUMN improved_qa_id bigint;
