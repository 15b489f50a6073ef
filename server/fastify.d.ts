import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { SecretBox } from './security/secret-box.js';
import type { AdminSession } from './auth/sessions.js';
import type { TrainingService } from './training/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    secretBox: SecretBox;
    training: TrainingService;
  }
  interface FastifyRequest {
    adminSession: AdminSession | null;
  }
}
