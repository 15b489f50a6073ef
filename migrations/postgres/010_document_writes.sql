-- A document written in slices (a large one: see server/training/documents.ts) while the write is under way:
-- what a crash leaves to finish or undo at the next start.
CREATE TABLE document_writes (
  document_id bigint PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
  last_old_position integer NOT NULL,
  phase text NOT NULL CHECK (phase IN ('inserting', 'removing', 'deleting'))
);
