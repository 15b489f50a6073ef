import type { ChatStore } from '../chat-store.js';
import { stmt, type Db } from './database.js';

export function sqliteChatStore(db: Db): ChatStore {
  return {
    async latestWidgetVisit(ownOrigin) {
      const row = stmt(
        db,
        "SELECT origin, created_at AS at FROM conversations WHERE channel = 'widget' AND origin IS NOT NULL AND origin != ? ORDER BY created_at DESC LIMIT 1",
      ).get(ownOrigin) as { origin: string; at: string } | undefined;
      return row ?? null;
    },
  };
}
