import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from './shared/logger.js';

export interface ParleyServer {
  httpServer: http.Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

/** The HTTP server around the app; Socket.IO joins it here. */
export function createServer(app: Express, logger: Logger): ParleyServer {
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts

  return {
    httpServer,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address() as AddressInfo;
          logger.info({ port: address.port, host: address.address }, 'listening');
          resolve(address);
        });
      });
    },
    close(graceMs = 10_000) {
      return new Promise((resolve) => {
        if (!httpServer.listening) return resolve();
        const force = setTimeout(() => httpServer.closeAllConnections(), graceMs).unref();
        httpServer.close(() => {
          clearTimeout(force);
          resolve();
        });
        httpServer.closeIdleConnections();
      });
    },
  };
}
