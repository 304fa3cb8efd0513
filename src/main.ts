import { buildApp } from './app.ts';
import { ConfigError, parseConfig, type TConfig } from './config.ts';
import { loadDotenv } from './env.ts';
import { createLogger } from './logger.ts';

/** Process entry: reads config, builds and starts the service, and shuts it down on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  loadDotenv();
  let config: TConfig;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`greenlight: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, `startup failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const server = await app.listen(config.PORT, config.HOST);
  const address = server.address();
  logger.info({ port: typeof address === 'object' && address ? address.port : config.PORT }, 'greenlight listening');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    app.close().then(
      () => {
        logger.info('shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`greenlight: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
