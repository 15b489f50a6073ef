// What a failed answer can still offer, on PostgreSQL: Q&A entries and keyword matches of enabled sources.
// Keyword matches rank with ts_rank (term frequency, length-normalised), not SQLite's bm25 (which also weighs rare
// words up): the same chunks match, but their order can differ.
import type { HelpDocument, HelpStore } from '../help-store.js';
import { type Pool, rows, transaction } from './database.js';
import { anyWordQuery, wordsToRank } from './keywords.js';

export function postgresHelpStore(pool: Pool): HelpStore {
  return {
    async qaEntries(documentIds) {
      if (!documentIds.length) return [];
      return rows<{ id: number; title: string; content: string }>(
        pool,
        `SELECT d.id, d.title, d.content FROM documents d JOIN sources s ON s.id = d.source_id
        WHERE d.kind = 'qa' AND s.enabled = 1 AND d.id = ANY($1::bigint[])`,
        [documentIds],
      );
    },
    async keywordMatches(words, limit) {
      // Counting the words and ranking them see one snapshot.
      return transaction(pool, async (client) => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const ranked = await wordsToRank(client, words);
        if (!ranked.length) return [];
        const query = anyWordQuery(ranked.length, 2);
        return rows<HelpDocument>(
          client,
          `SELECT d.id, d.title, d.url, d.kind, d.content FROM chunks c JOIN documents d ON d.id = c.document_id
            JOIN sources s ON s.id = d.source_id
          WHERE s.enabled = 1 AND c.search @@ (${query}) ORDER BY ts_rank(c.search, ${query}, 1) DESC, c.id LIMIT $1`,
          [limit, ...ranked],
        );
      });
    },
  };
}
