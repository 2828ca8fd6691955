import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Config } from './config.js';
import { exposureWarning } from './exposure.js';

const config = (env: Config['env']) => ({ env, isProduction: env === 'production' }) as Config;
const at = (address: string, family = 'IPv4'): AddressInfo => ({ address, family, port: 3000 });

describe('exposureWarning', () => {
  it('warns when a development instance listens on anything but loopback', () => {
    expect(exposureWarning(config('development'), at('0.0.0.0'))).toMatch(/reachable from the network.*NODE_ENV=development/);
    expect(exposureWarning(config('test'), at('::', 'IPv6'))).toBeDefined();
    expect(exposureWarning(config('development'), at('192.168.1.20'))).toBeDefined();
  });

  it('stays quiet on loopback, and in production', () => {
    for (const address of ['127.0.0.1', '127.0.1.1', '::1', '::ffff:127.0.0.1']) {
      expect(exposureWarning(config('development'), at(address))).toBeUndefined();
    }
    expect(exposureWarning(config('production'), at('0.0.0.0'))).toBeUndefined();
  });
});
