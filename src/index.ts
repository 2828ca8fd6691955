import { ConfigError, loadConfig } from './config.js';
import { createLogger, type Logger } from './shared/logger.js';
import { startParley, type RunningParley } from './start.js';
import { StoreStartupError } from './store/index.js';

function handleSignals(parley: RunningParley, logger: Logger, timeoutMs: number): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forceExit = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs).unref();
    parley.stop().then(
      () => {
        clearTimeout(forceExit);
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

function handleProcessErrors(logger: Logger): void {
  // A stray rejection is a bug to fix, not a reason to drop every connected client.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel, pretty: !config.isProduction && process.stdout.isTTY });
  handleProcessErrors(logger);
  // Node as PID 1 (a container) ignores SIGTERM without a handler: until the graceful one below is
  // in place, a stop during start-up exits at once (nothing is served yet; SQLite's WAL is safe).
  const exitDuringStartup = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal during start-up; exiting');
    process.exit(0);
  };
  process.once('SIGTERM', exitDuringStartup);
  process.once('SIGINT', exitDuringStartup);
  const parley = await startParley(config, logger);
  process.off('SIGTERM', exitDuringStartup);
  process.off('SIGINT', exitDuringStartup);
  logger.info({ url: parley.url, store: parley.container.store.kind, redis: Boolean(config.redisUrl) }, 'parley started');
  // Connections get SHUTDOWN_TIMEOUT to finish; closing the store and Redis gets a little more.
  handleSignals(parley, logger, config.shutdownTimeoutSeconds * 1000 + 5000);
}

main().catch((error: unknown) => {
  // A store that cannot be used is the operator's to resolve: say so plainly, in one line, without a stack.
  if (error instanceof StoreStartupError) console.error(`Parley cannot start: ${error.message}`);
  else console.error('Parley failed to start:', error);
  process.exit(1);
});
