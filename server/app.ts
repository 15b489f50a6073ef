// Builds the Fastify application without listening, so tests drive it with inject() or a real port.
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { Config } from './config.js';
import { openSqliteStores } from './stores/sqlite/open.js';
import { openPostgresStores } from './stores/postgres/open.js';
import type { Stores } from './stores/stores.js';
import { scheduleGate } from './cluster/schedule.js';
import { MIGRATIONS_DIR } from './paths.js';
import { createSecretBox, loadSecretKey } from './security/secret-box.js';
import { clientErrorHandler, errorHandler, notFoundHandler } from './http/error-handler.js';
import { refuseNulCharacters } from './http/nul-characters.js';
import { requestTimeouts, serverTimeoutOptions } from './security/request-timeouts.js';
import { externalPlugins } from './plugins/external.js';
import { adminUi } from './plugins/admin-ui.js';
import { drainPlugin } from './plugins/drain.js';
import { adminAuth, authRoutes } from './auth/routes.js';
import { adminExists, createAdmin } from './auth/admin-account.js';
import { settingsRoutes } from './settings/routes.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { catalogRefresh } from './openrouter/catalog-refresh.js';
import { creditWatch } from './openrouter/credit-watch.js';
import { openRouterDeps } from './settings/connection.js';
import { embedderFor } from './vectors/index-connection.js';
import { createTrainingService } from './training/service.js';
import { createIngestPool } from './training/ingest/pool.js';
import { clearUploadDir } from './training/uploads.js';
import { contentWebhookRoutes, trainingRoutes } from './training/routes.js';
import { chatAdminRoutes } from './chat/admin-routes.js';
import type { ChatDeps } from './chat/pipeline.js';
import { createVisitorLimits } from './chat/visitor-limits.js';
import { LiveConversations } from './chat/live-conversations.js';
import { interruptedAnswersSweep } from './chat/interrupted.js';
import { readChatbotSettings } from './chat/settings.js';
import { widgetRoutes } from './widget/routes.js';
import { widgetAdminRoutes } from './widget/admin-routes.js';
import { installCheckRoutes } from './widget/install-check.js';
import { widgetAssets } from './plugins/widget-assets.js';
import { backupRoutes } from './backup/routes.js';
import { notificationRoutes } from './notifications/routes.js';
import { leadAdminRoutes } from './leads/routes.js';
import { notificationLoop, type NotificationOptions } from './notifications/delivery.js';

export interface BuildOptions {
  config: Config;
  /** Where logs go (tests capture them to prove secrets never appear). */
  logStream?: DestinationStream;
  /** SQLite's migrations (tests of a failing migration); PostgreSQL's are migrations/postgres/. */
  migrationsDir?: string;
  adminUiDir?: string;
  widgetDir?: string;
  /** Called for every route as it is registered (the route fuzz test enumerates the app's routes this way). */
  onRoute?: (route: RouteOptions) => void;
  /** The notification loop's clock and retry schedule (tests move time instead of waiting). */
  notifications?: NotificationOptions;
}

// Secrets that must never reach a log line, wherever they appear in a logged object.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'headers.authorization',
  '*.headers.authorization',
  // Notifications: the SMTP password (as nodemailer's auth.pass too) and the webhook's signing secret.
  'email.password',
  '*.email.password',
  'pass',
  '*.pass',
  'auth.pass',
  '*.auth.pass',
  'secret',
  '*.secret',
  'newSecret',
  '*.newSecret',
];

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Shutdown must not wait for idle keep-alive sockets or open chat streams.
    forceCloseConnections: true,
    // Requests Node's HTTP parser or the router reject (bad %-encoding) still get the documented error shape.
    clientErrorHandler,
    frameworkErrors: errorHandler,
    // Slow or silent clients are cut off (see security/request-timeouts.ts); the public routes' short
    // body deadline is the requestTimeouts plugin below.
    ...serverTimeoutOptions(config),
  }).withTypeProvider<ZodTypeProvider>();
  await app.register(requestTimeouts, config);
  await app.register(drainPlugin);

  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.addHook('preValidation', refuseNulCharacters);

  // Services: the database (migrated before anything else runs) and the secret box.
  // SQLite's file in DATA_DIR, or PostgreSQL in cluster mode (DATABASE_URL).
  const opened = config.databaseUrl
    ? await openPostgresStores(config.databaseUrl, { max: config.databasePoolSize, applicationName: 'docent' })
    : openSqliteStores(config.databasePath, options.migrationsDir ?? MIGRATIONS_DIR);
  const stores: Stores = opened;
  app.decorate('config', config);
  app.decorate('stores', stores);
  // For tests that read the SQLite file directly; undefined in cluster mode.
  app.decorate('db', 'db' in opened ? opened.db : (undefined as never));
  app.decorate('secretBox', createSecretBox(loadSecretKey(config.dataDir, config.secretKeyHex)));
  app.decorate('schedule', scheduleGate(stores.cluster));
  app.decorate('openRouterDeps', openRouterDeps(app));
  app.decorate('chat', {
    stores,
    config,
    log: app.log,
    openRouter: app.openRouterDeps,
    embedderFor: (options, current) => embedderFor(app, options, current),
  } satisfies ChatDeps);
  app.decorate('visitorLimits', createVisitorLimits({ usage: stores.usage, readSettings: () => readChatbotSettings(stores.config) }));
  app.decorate('liveConversations', new LiveConversations());
  app.addHook('onClose', async () => opened.close());

  if (config.adminPassword && !(await adminExists(stores.auth))) {
    await createAdmin(stores.auth, config.adminPassword);
    app.log.info('admin account created from ADMIN_PASSWORD');
  }

  await app.register(externalPlugins);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  // Extraction processes start on first use and stop with the app.
  const ingest = createIngestPool(config.ingest, app.log);
  app.decorate('ingest', ingest);
  app.addHook('onClose', async () => ingest.close());
  app.addHook('onReady', async () => clearUploadDir(config.dataDir));

  const training = createTrainingService({
    stores,
    config,
    secretBox: app.secretBox,
    openRouter: app.openRouterDeps,
    ingest,
    log: app.log,
    schedule: app.schedule,
  });
  app.decorate('training', training);
  app.addHook('onReady', async () => training.start());
  app.addHook('onClose', async () => training.close());
  // The vector search's in-memory copy is read before the server listens, not on a visitor's first question.
  app.addHook('onReady', async () => stores.vectors.warmUp());

  await app.register(
    async (admin) => {
      await admin.register(adminAuth);
      await admin.register(authRoutes);
      await admin.register(settingsRoutes);
      await admin.register(dashboardRoutes);
      await admin.register(trainingRoutes(training));
      await admin.register(chatAdminRoutes);
      await admin.register(widgetAdminRoutes);
      await admin.register(installCheckRoutes);
      await admin.register(backupRoutes);
      await admin.register(notificationRoutes);
      await admin.register(leadAdminRoutes);
    },
    { prefix: '/api/admin' },
  );
  await app.register(widgetRoutes, { prefix: '/api/widget' });
  await app.register(widgetAssets, { dir: options.widgetDir });
  await app.register(contentWebhookRoutes(training), { prefix: '/api/webhooks' });

  await app.register(adminUi, { dir: options.adminUiDir });

  app.setNotFoundHandler(notFoundHandler);

  const interrupted = interruptedAnswersSweep({ chat: stores.chat, chatTotalTimeoutMs: config.chatTotalTimeoutMs, schedule: app.schedule, log: app.log });
  for (const timer of [catalogRefresh(app.openRouterDeps), creditWatch(app.openRouterDeps), interrupted]) {
    app.addHook('onReady', async () => timer.start());
    app.addHook('onClose', async () => timer.stop());
  }
  // Registered last: closing runs hooks in reverse, so the loop stops before the stores close.
  const notifications = notificationLoop({ stores, secretBox: app.secretBox, config, log: app.log, ingest }, options.notifications);
  app.addHook('onReady', async () => notifications.start());
  app.addHook('onClose', async () => notifications.stop());
  return app;
}
