import type { HelpDocument, HelpStore } from '../help-store.js';
import { stmt, type Db } from './database.js';
import { ftsQuery, wordsToRank } from './knowledge-store.js';

export function sqliteHelpStore(db: Db): HelpStore {
  return {
    async qaEntries(documentIds) {
      if (!documentIds.length) return [];
      return stmt(
        db,
        `SELECT d.id, d.title, d.content FROM documents d JOIN sources s ON s.id = d.source_id
    WHERE d.kind = 'qa' AND s.enabled = 1 AND d.id IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify(documentIds)) as Array<{ id: number; title: string; content: string }>;
    },
    async keywordMatches(words, limit) {
      // Any of the words, bounded as retrieval's keyword search is (very common words are not ranked).
      const fts = ftsQuery(wordsToRank(db, words));
      if (!fts) return [];
      return stmt(
        db,
        `SELECT d.id, d.title, d.url, d.kind, d.content FROM chunks_fts f JOIN chunks c ON c.id = f.rowid JOIN documents d ON d.id = c.document_id
    JOIN sources s ON s.id = d.source_id WHERE s.enabled = 1 AND chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT ?`,
      ).all(fts, limit) as HelpDocument[];
    },
  };
}
