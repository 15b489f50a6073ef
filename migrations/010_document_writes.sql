-- A document written in slices (a large one: see server/training/documents.ts) while the write is under way:
-- what a crash leaves to finish or undo at the next start. last_old_position is the position of the old
-- version's last chunk (-1 for a new document); phase says which step was running.
CREATE TABLE document_writes (
  document_id INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
  last_old_position INTEGER NOT NULL,
  phase TEXT NOT NULL CHECK (phase IN ('inserting', 'removing', 'deleting'))
);
