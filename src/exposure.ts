import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';

const isLoopback = (address: string) => /^(127\.|::1$|::ffff:127\.)/.test(address);

/**
 * Outside production Parley runs with development secrets (kept in DATA_DIR) and relaxed cookies:
 * fine on a laptop, not on a network. Says so when it listens on anything but loopback.
 */
export function exposureWarning(config: Config, address: AddressInfo): string | undefined {
  if (config.isProduction || isLoopback(address.address)) return undefined;
  return (
    `listening on ${address.address}:${address.port}, reachable from the network, with NODE_ENV=${config.env} ` +
    '(development secrets, no Secure cookie); set HOST=127.0.0.1, or NODE_ENV=production with your own secrets'
  );
}
