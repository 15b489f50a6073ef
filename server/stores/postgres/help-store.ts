// What a failed answer can still offer, on PostgreSQL: Q&A entries and keyword matches of enabled sources.
// Keyword matches are ranked like SQLite's bm25 (each word weighted by its rarity, times ts_rank's length-normalised
// term frequency; see keywords.ts): the same chunks match, their order mostly agrees but can differ.
import type { HelpDocument, HelpStore } from '../help-store.js';
import { type Pool, rows, snapshot } from './database.js';
import { keywordRanking, weightedWords } from './keywords.js';

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
      return snapshot(pool, async (client) => {
        const weighted = await weightedWords(client, words);
        if (!weighted.length) return [];
        const ranking = keywordRanking(weighted, 2);
        return rows<HelpDocument>(
          client,
          `SELECT d.id, d.title, d.url, d.kind, d.content FROM chunks c JOIN documents d ON d.id = c.document_id
            JOIN sources s ON s.id = d.source_id
          WHERE s.enabled = 1 AND ${ranking.matches} ORDER BY ${ranking.score} DESC, c.id LIMIT $1`,
          [limit, ...ranking.params],
        );
      });
    },
  };
}
