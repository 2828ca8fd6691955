import { createApp } from './app.js';
import type { Config } from './config.js';
import { createContainer, type Container } from './container.js';
import { exposureWarning } from './exposure.js';
import { createServer, type ParleyServer } from './server.js';
import type { Logger } from './shared/logger.js';

export interface RunningParley {
  container: Container;
  server: ParleyServer;
  /** Base URL the server listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Builds and starts one Parley instance. Used by index.ts and by the integration tests alike. */
export async function startParley(config: Config, logger: Logger): Promise<RunningParley> {
  const container = await createContainer(config, logger);
  const server = createServer(createApp(container), container);
  let address;
  try {
    address = await server.listen(config.port, config.host);
  } catch (error) {
    await container.close();
    throw error;
  }
  const warning = exposureWarning(config, address);
  if (warning) logger.warn(warning);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    container,
    server,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    port: address.port,
    async stop() {
      container.readiness.stopAccepting(); // /health answers 503 from now on
      await server.close(config.shutdownTimeoutSeconds * 1000);
      await container.close();
    },
  };
}
