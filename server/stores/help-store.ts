// What a failed answer can still offer a visitor, read from the knowledge base without any API call: the admin's
// Q&A entries and pages matching the question's words. Only documents of enabled sources are seen.
// (Reads of the knowledge boundary for the chat; a knowledge store may take these methods over.)

export interface HelpDocument {
  id: number;
  title: string;
  url: string | null;
  /** The document's kind ('qa' for a Q&A entry, whose content is "# <question>\n\n<answer>"). */
  kind: string;
  content: string;
}

export interface HelpStore {
  /** The Q&A entries among these documents (in no particular order). */
  qaEntries(documentIds: number[]): Promise<Array<Pick<HelpDocument, 'id' | 'title' | 'content'>>>;
  /**
   * The documents whose chunks best match any of these words (keyword search; lowercased letters and digits),
   * best match first, one row per matching chunk (so a document may come more than once), at most `limit` rows.
   * Bounded like KnowledgeStore.keywordSearch: words in very many chunks are not ranked.
   */
  keywordMatches(words: string[], limit: number): Promise<HelpDocument[]>;
}
