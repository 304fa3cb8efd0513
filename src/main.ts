import { buildApp, type Greenlight } from './app.ts';
import { loadDotenv } from './config/dotenv.ts';
import { parseConfig, parseOrExit } from './config/index.ts';
import { parsePlaygroundConfig, wantsPlayground } from './config/playground.ts';
import { createLogger } from './platform/logger.ts';
import { type Playground, startPlayground } from './playground/index.ts';

/** Process entry: reads config, builds and starts the service, and shuts it down on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  loadDotenv();
  // No Slack setting at all: the Playground, whose stand-in for Slack must run before the config names its URL.
  const playground: Playground | undefined = wantsPlayground(process.env) ? await startPlayground() : undefined;
  const config = parseOrExit(() =>
    playground === undefined ? parseConfig(process.env) : parsePlaygroundConfig(process.env, playground.slack),
  );
  const logger = createLogger(config.LOG_LEVEL);

  // Signals are handled from the very start: one arriving while the service still boots stops it
  // as soon as the build finishes, instead of killing it half-way.
  let app: Greenlight | undefined;
  let stopping: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping !== undefined) return;
    stopping = signal;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    if (app === undefined) return; // startup finishes first, then closes
    app
      .close()
      .then(() => playground?.close())
      .then(
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

  try {
    app = await buildApp(
      config,
      logger,
      playground === undefined
        ? {}
        : { playground: playground.hooks({ port: config.PORT, dataDir: config.DATA_DIR, logger }) },
    );
    const server = await app.listen(config.PORT, config.HOST);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    logger.info({ port }, 'greenlight listening');
    // The last line a newcomer sees after `npm start`: where to go now that the page answers.
    if (playground !== undefined)
      logger.info(`Playground ready: open http://localhost:${port}/playground in your browser`);
  } catch (error) {
    logger.fatal({ err: error }, `startup failed: ${error instanceof Error ? error.message : String(error)}`);
    await app?.close().catch(() => {});
    process.exit(1);
  }
  if (stopping !== undefined) {
    const signal = stopping;
    stopping = undefined;
    stop(signal);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`greenlight: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
