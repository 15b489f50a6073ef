import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { SecretBox } from './security/secret-box.js';
import type { AdminSession } from './auth/sessions.js';
import type { TrainingService } from './training/service.js';
import type { IngestPool } from './training/ingest/pool.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    secretBox: SecretBox;
    training: TrainingService;
    /** Extraction processes: every file, page and chunking call of training runs there. */
    ingest: IngestPool;
  }
  interface FastifyRequest {
    adminSession: AdminSession | null;
  }
}
