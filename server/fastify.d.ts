import type { Config } from './config.js';
import type { Db } from './stores/sqlite/database.js';
import type { Stores } from './stores/stores.js';
import type { SecretBox } from './security/secret-box.js';
import type { AdminSession } from './auth/sessions.js';
import type { TrainingService } from './training/service.js';
import type { IngestPool } from './training/ingest/pool.js';
import type { OpenRouterDeps } from './openrouter/deps.js';
import type { ChatDeps } from './chat/pipeline.js';

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
    training: TrainingService;
    /** Extraction processes: every file, page and chunking call of training runs there. */
    ingest: IngestPool;
  }
  interface FastifyRequest {
    adminSession: AdminSession | null;
  }
}
