// The storage seam: everything Docent keeps, as one async store per consistency boundary. Services and routes
// see only these interfaces; server/stores/sqlite/ is today's implementation (a PostgreSQL one can follow
// without touching them). Each method is one transaction; none spans an await.
import type { AuthStore } from './auth-store.js';
import type { ChatStore } from './chat-store.js';
import type { ConfigStore } from './config-store.js';
import type { JobStore } from './job-store.js';
import type { KnowledgeStore } from './knowledge-store.js';
import type { VectorStore } from './vector-store.js';
import type { MaintenanceStore } from './maintenance-store.js';
import type { ProviderStore } from './provider-store.js';
import type { HelpStore } from './help-store.js';
import type { InsightStore } from './insight-store.js';
import type { LeadStore } from './lead-store.js';
import type { NotificationStore } from './notification-store.js';
import type { UsageStore } from './usage-store.js';
import type { ClusterStore } from './cluster-store.js';

export interface Stores {
  config: ConfigStore;
  chat: ChatStore;
  vectors: VectorStore;
  knowledge: KnowledgeStore;
  jobs: JobStore;
  auth: AuthStore;
  provider: ProviderStore;
  maintenance: MaintenanceStore;
  usage: UsageStore;
  /** Knowledge-base reads for an answer that cannot be given: Q&A entries and keyword matches. */
  help: HelpStore;
  leads: LeadStore;
  insights: InsightStore;
  notifications: NotificationStore;
  /** What several nodes share (rate-limit counts, schedule claims); null for one process on SQLite. */
  cluster: ClusterStore | null;
}
