// The storage seam: everything Docent keeps, as one async store per consistency boundary. Services and routes
// see only these interfaces; server/stores/sqlite/ is today's implementation (a PostgreSQL one can follow
// without touching them). Each method is one transaction; none spans an await.
import type { ChatStore } from './chat-store.js';
import type { ConfigStore } from './config-store.js';
import type { JobStore } from './job-store.js';
import type { KnowledgeStore } from './knowledge-store.js';
import type { VectorStore } from './vector-store.js';

export interface Stores {
  config: ConfigStore;
  chat: ChatStore;
  vectors: VectorStore;
  knowledge: KnowledgeStore;
  jobs: JobStore;
}
