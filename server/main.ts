// Process entry: load config, build the app, listen, and shut down cleanly on SIGTERM/SIGINT.
import { buildApp } from './app.js';
import { drainAndClose } from './plugins/drain.js';
import { ConfigError, loadConfig } from './config.js';
import { MigrationError } from './stores/migrations.js';

async function main() {
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp({ config: loadConfig() });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MigrationError) {
      console.error(`Docent cannot start. ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), app.config.drainTimeoutMs + 10_000).unref();
    try {
      await drainAndClose(app);
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ port: app.config.port, host: app.config.host });
  app.log.info(`Docent admin: ${app.config.publicUrl}/admin/`);
}

main().catch((err) => {
  console.error('Docent crashed while starting:', err);
  process.exit(1);
});
