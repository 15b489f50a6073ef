import type { Config } from './config.js';
import type { Db } from './stores/sqlite/database.js';
import type { Stores } from './stores/stores.js';
import type { SecretBox } from './security/secret-box.js';
import type { AdminSession } from './auth/sessions.js';
import type { TrainingService } from './training/service.js';
import type { IngestPool } from './training/ingest/pool.js';
import type { OpenRouterDeps } from './openrouter/deps.js';
import type { ChatDeps } from './chat/pipeline.js';
import type { VisitorLimits } from './chat/visitor-limits.js';
import type { LiveConversations } from './chat/live-conversations.js';
import type { ScheduleGate } from './cluster/schedule.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    /** Everything Docent keeps (server/stores/stores.ts). */
    stores: Stores;
    db: Db;
    secretBox: SecretBox;
    /** What the key status, balance watch and catalog refresh need (server/openrouter/deps.ts). */
    openRouterDeps: OpenRouterDeps;
    /** What answering a question needs (server/chat/pipeline.ts). */
    chat: ChatDeps;
    /** Which visitor questions are admitted and how each is counted (the widget and the Playground). */
    visitorLimits: VisitorLimits;
    /** Whether this node runs a background tick: once across the cluster, every tick for one process. */
    schedule: ScheduleGate;
    /** Conversations held in memory only while "Store conversations" is off. */
    liveConversations: LiveConversations;
    training: TrainingService;
    /** Extraction processes: every file, page and chunking call of training runs there. */
    ingest: IngestPool;
  }
  interface FastifyRequest {
    adminSession: AdminSession | null;
  }
}
