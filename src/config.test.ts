import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDurationSeconds } from './config.js';

/** A secret as a generator would make it, different for each seed. */
const strongSecret = (seed: string) => createHash('sha256').update(seed).digest('base64url');

let dataDir: string;
const tempDirs: string[] = [];

function makeTempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-config-test-'));
  tempDirs.push(dir);
  return dir;
}

beforeEach(() => {
  dataDir = makeTempDir();
});

afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Loads configuration from exactly these variables (never from process.env). */
const load = (env: Record<string, string> = {}) => loadConfig({ DATA_DIR: dataDir, ...env });

function configError(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig', () => {
  it('applies the defaults', () => {
    const config = load();
    expect(config).toEqual({
      env: 'development',
      isProduction: false,
      port: 3000,
      host: '0.0.0.0',
      dataDir,
      mongodbUri: undefined,
      redisUrl: undefined,
      jwtSecret: expect.any(String),
      sessionSecret: expect.any(String),
      jwtTtlSeconds: 7 * 24 * 3600,
      sessionIdleTimeoutSeconds: 86_400,
      redisCommandTimeoutMs: 1000,
      socketPingIntervalSeconds: 25,
      socketPingTimeoutSeconds: 20,
      readRateLimitPerSecond: 50,
      maxSocketsPerUser: 20,
      maxSocketBufferBytes: 1024 * 1024,
      overloadDelayMs: 200,
      maxPendingSends: 1000,
      loginFailuresPerHour: 10,
      loginFailuresPerDay: 100,
      corsOrigins: [],
      logLevel: 'info',
      authRateLimitPerMinute: 20,
      sendRateLimitPerSecond: 20,
      editWindowSeconds: 86_400,
      presenceTtlSeconds: 30,
      presenceGraceSeconds: 5,
      shutdownTimeoutSeconds: 10,
      storeTimeoutMs: 5000,
      sqliteSynchronous: 'full',
      credentialCheckSeconds: 30,
      trustProxy: false,
      bodyLimit: '32kb',
      webDir: fileURLToPath(new URL('web', import.meta.url)),
      metricsEnabled: true,
      metricsToken: undefined,
    });
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.jwtSecret).not.toBe(config.sessionSecret);
  });

  it('reads SQLITE_SYNCHRONOUS as full (the default) or normal, and refuses anything else', () => {
    expect(load({ SQLITE_SYNCHRONOUS: 'normal' }).sqliteSynchronous).toBe('normal');
    expect(load({ SQLITE_SYNCHRONOUS: 'full' }).sqliteSynchronous).toBe('full');
    expect(() => load({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(/SQLITE_SYNCHRONOUS/);
  });

  it('treats empty variables as unset', () => {
    const config = load({ PORT: '', JWT_TTL: '', CORS_ORIGINS: '', AUTH_RATE_LIMIT: '', JWT_SECRET: '', NODE_ENV: '' });
    expect(config.port).toBe(3000);
    expect(config.jwtTtlSeconds).toBe(604_800);
    expect(config.corsOrigins).toEqual([]);
    expect(config.authRateLimitPerMinute).toBe(20);
    expect(config.env).toBe('development');
  });

  it('reads the variables it is given', () => {
    const config = load({
      NODE_ENV: 'test',
      PORT: '8080',
      HOST: '127.0.0.1',
      MONGODB_URI: 'mongodb://db.example:27017/parley',
      REDIS_URL: 'redis://cache.example:6379',
      LOG_LEVEL: 'debug',
      TRUST_PROXY: '1',
      BODY_LIMIT: '64kb',
    });
    expect(config).toMatchObject({
      env: 'test',
      isProduction: false,
      port: 8080,
      host: '127.0.0.1',
      mongodbUri: 'mongodb://db.example:27017/parley',
      redisUrl: 'redis://cache.example:6379',
      logLevel: 'debug',
      trustProxy: 1,
      bodyLimit: '64kb',
    });
  });

  it('serves the web app from WEB_DIR (resolved), and none when WEB_DIR is set empty', () => {
    expect(load({ WEB_DIR: 'public/app' }).webDir).toBe(path.resolve('public/app'));
    expect(load({ WEB_DIR: '' }).webDir).toBeNull();
    expect(load({ WEB_DIR: '  ' }).webDir).toBeNull();
  });

  it('resolves DATA_DIR to an absolute path', () => {
    const relative = path.relative(process.cwd(), dataDir);
    expect(load({ DATA_DIR: relative }).dataDir).toBe(path.resolve(relative));
    expect(path.isAbsolute(load({ DATA_DIR: relative }).dataDir)).toBe(true);
  });

  it('accepts PORT 0 (any free port) and 65535', () => {
    expect(load({ PORT: '0' }).port).toBe(0);
    expect(load({ PORT: '65535' }).port).toBe(65_535);
  });

  it.each(['abc', '-1', '65536', '80.5', '3000abc'])('rejects PORT=%j with a ConfigError naming PORT', (port) => {
    const error = configError({ PORT: port });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(/\bPORT\b/);
  });

  // Whitespace-only numbers must not silently become 0: PORT would listen on a random port
  // and AUTH_RATE_LIMIT=0 turns the brute-force limit off. Blank means unset, like empty.
  it('reads whitespace-only PORT and AUTH_RATE_LIMIT as unset, not as 0', () => {
    const config = load({ PORT: ' ', AUTH_RATE_LIMIT: '  ' });
    expect(config.port).toBe(3000);
    expect(config.authRateLimitPerMinute).toBe(20);
  });

  describe('secrets', () => {
    it('requires JWT_SECRET and SESSION_SECRET in production, naming both', () => {
      const error = configError({ NODE_ENV: 'production' });
      expect(error.message).toContain('JWT_SECRET');
      expect(error.message).toContain('SESSION_SECRET');
    });

    it('names only the missing secret in production', () => {
      const missingSession = configError({ NODE_ENV: 'production', JWT_SECRET: strongSecret('j') });
      expect(missingSession.message).toContain('SESSION_SECRET');
      expect(missingSession.message).not.toContain('JWT_SECRET');

      const missingJwt = configError({ NODE_ENV: 'production', SESSION_SECRET: strongSecret('s') });
      expect(missingJwt.message).toContain('JWT_SECRET');
      expect(missingJwt.message).not.toContain('SESSION_SECRET');
    });

    it('refuses the same secret for JWT_SECRET and SESSION_SECRET in production', () => {
      const secret = strongSecret('shared');
      expect(configError({ NODE_ENV: 'production', JWT_SECRET: secret, SESSION_SECRET: secret }).message).toContain(
        'JWT_SECRET and SESSION_SECRET must differ',
      );
    });

    it.each([
      ['a repeated character', 'x'.repeat(40)],
      ['a placeholder', 'my-super-secret-signing-key-for-production-2026'],
      ['a short alphabet', 'abcabcabcabcabcabcabcabcabcabcabcabc'],
    ])('refuses an obviously weak secret in production (%s), naming it', (_kind, weak) => {
      const message = configError({ NODE_ENV: 'production', JWT_SECRET: weak, SESSION_SECRET: strongSecret('s') }).message;
      expect(message).toContain('JWT_SECRET');
      expect(message).not.toContain('SESSION_SECRET');
    });

    it('accepts generated secrets (base64 or hex) in production', () => {
      const hex = createHash('sha256').update('hex').digest('hex');
      expect(() => load({ NODE_ENV: 'production', JWT_SECRET: hex, SESSION_SECRET: strongSecret('s') })).not.toThrow();
    });

    it('uses the given secrets in production and writes no development secrets', () => {
      const config = load({ NODE_ENV: 'production', JWT_SECRET: strongSecret('j'), SESSION_SECRET: strongSecret('s') });
      expect(config.isProduction).toBe(true);
      expect(config.env).toBe('production');
      expect(config.jwtSecret).toBe(strongSecret('j'));
      expect(config.sessionSecret).toBe(strongSecret('s'));
      expect(fs.readdirSync(dataDir)).toEqual([]);
    });

    it.each(['JWT_SECRET', 'SESSION_SECRET'])('rejects a %s shorter than 32 characters, naming it', (name) => {
      for (const nodeEnv of ['development', 'production']) {
        const env = { NODE_ENV: nodeEnv, JWT_SECRET: strongSecret('j'), SESSION_SECRET: strongSecret('s') };
        const error = configError({ ...env, [name]: 'x'.repeat(31) });
        expect(error.message).toContain(name);
      }
    });

    it('accepts a secret of exactly 32 characters', () => {
      expect(load({ JWT_SECRET: 'k'.repeat(32) }).jwtSecret).toBe('k'.repeat(32));
    });

    it('generates development secrets once per DATA_DIR and reuses them', () => {
      const first = load();
      const second = load();
      expect(second.jwtSecret).toBe(first.jwtSecret);
      expect(second.sessionSecret).toBe(first.sessionSecret);
      expect(fs.existsSync(path.join(dataDir, 'dev-secrets.json'))).toBe(true);

      const elsewhere = loadConfig({ DATA_DIR: makeTempDir() });
      expect(elsewhere.jwtSecret).not.toBe(first.jwtSecret);
      expect(elsewhere.sessionSecret).not.toBe(first.sessionSecret);
    });

    it('creates DATA_DIR for the development secrets when it does not exist yet', () => {
      const nested = path.join(dataDir, 'not', 'yet', 'there');
      const config = loadConfig({ DATA_DIR: nested });
      expect(config.dataDir).toBe(nested);
      expect(fs.existsSync(path.join(nested, 'dev-secrets.json'))).toBe(true);
    });

    it('prefers a given secret and fills only the missing one from the development secrets', () => {
      const generated = load();
      const config = load({ JWT_SECRET: strongSecret('j') });
      expect(config.jwtSecret).toBe(strongSecret('j'));
      expect(config.sessionSecret).toBe(generated.sessionSecret);
    });
  });

  describe('JWT_TTL', () => {
    it.each([
      ['15m', 900],
      ['7d', 604_800],
      ['12h', 43_200],
      ['30s', 30],
      ['3600', 3600],
      ['1', 1],
    ])('reads %j as %d seconds', (value, seconds) => {
      expect(load({ JWT_TTL: value }).jwtTtlSeconds).toBe(seconds);
    });

    it.each(['0', '0m', '-5', '15x', '1.5h', '15 m', 'm', '7days', 'forever'])(
      'rejects %j with a ConfigError naming JWT_TTL',
      (value) => {
        expect(configError({ JWT_TTL: value }).message).toContain('JWT_TTL');
      },
    );
  });

  describe('CORS_ORIGINS', () => {
    it('splits a comma-separated list, trimming items and dropping empty ones', () => {
      expect(load({ CORS_ORIGINS: 'https://a.example, https://b.example ,,http://localhost:5173,' }).corsOrigins).toEqual([
        'https://a.example',
        'https://b.example',
        'http://localhost:5173',
      ]);
      expect(load({ CORS_ORIGINS: 'https://only.example' }).corsOrigins).toEqual(['https://only.example']);
      expect(load({ CORS_ORIGINS: ' , ' }).corsOrigins).toEqual([]);
    });
  });

  describe('AUTH_RATE_LIMIT', () => {
    it('allows 0 (limit disabled) and other whole numbers', () => {
      expect(load({ AUTH_RATE_LIMIT: '0' }).authRateLimitPerMinute).toBe(0);
      expect(load({ AUTH_RATE_LIMIT: '5' }).authRateLimitPerMinute).toBe(5);
    });

    it.each(['-1', '2.5', 'many'])('rejects %j, naming AUTH_RATE_LIMIT', (value) => {
      expect(configError({ AUTH_RATE_LIMIT: value }).message).toContain('AUTH_RATE_LIMIT');
    });
  });

  describe('other variables', () => {
    it('reads TRUST_PROXY as off, a hop count, or a list of proxy addresses', () => {
      expect(load({}).trustProxy).toBe(false);
      expect(load({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
      expect(load({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
      expect(load({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
      expect(load({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
      expect(load({ TRUST_PROXY: '10.0.0.5' }).trustProxy).toEqual(['10.0.0.5']);
      expect(load({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, ::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '::1']);
    });

    it('reads SESSION_IDLE_TIMEOUT as a duration (default a day), never longer than JWT_TTL', () => {
      expect(load({}).sessionIdleTimeoutSeconds).toBe(86_400);
      expect(load({ SESSION_IDLE_TIMEOUT: '30m' }).sessionIdleTimeoutSeconds).toBe(1800);
      expect(load({ SESSION_IDLE_TIMEOUT: '2d', JWT_TTL: '12h' }).sessionIdleTimeoutSeconds).toBe(43_200);
      expect(configError({ SESSION_IDLE_TIMEOUT: '0' }).message).toContain('SESSION_IDLE_TIMEOUT');
      expect(configError({ SESSION_IDLE_TIMEOUT: 'soon' }).message).toContain('SESSION_IDLE_TIMEOUT');
    });

    it('refuses TRUST_PROXY=true, which would believe any client about its own address', () => {
      expect(configError({ TRUST_PROXY: 'true' }).message).toMatch(/TRUST_PROXY: true would believe any client/);
    });

    it.each(['yes', '10.0.0.300', '10.0.0.0/33', 'proxy.example', '10.0.0.1,', '1.5'])('refuses TRUST_PROXY=%j', (value) => {
      expect(configError({ TRUST_PROXY: value }).message).toContain('TRUST_PROXY');
    });

    it.each([
      ['NODE_ENV', 'staging'],
      ['LOG_LEVEL', 'verbose'],
      ['MONGODB_URI', 'not a url'],
      ['REDIS_URL', 'localhost'],
      ['BODY_LIMIT', 'lots'],
    ])('rejects %s=%j, naming it', (name, value) => {
      expect(configError({ [name]: value }).message).toContain(name);
    });

    it('reports every invalid variable at once', () => {
      const error = configError({ PORT: 'abc', JWT_TTL: 'soon', LOG_LEVEL: 'loud' });
      expect(error.message).toContain('PORT');
      expect(error.message).toContain('JWT_TTL');
      expect(error.message).toContain('LOG_LEVEL');
    });
  });
});

describe('parseDurationSeconds', () => {
  it('reads plain seconds and s/m/h/d durations', () => {
    expect(parseDurationSeconds('45')).toBe(45);
    expect(parseDurationSeconds('45s')).toBe(45);
    expect(parseDurationSeconds('2m')).toBe(120);
    expect(parseDurationSeconds('2h')).toBe(7200);
    expect(parseDurationSeconds('2d')).toBe(172_800);
  });

  it('returns undefined for anything else', () => {
    for (const value of ['', 'h', '2w', '1.5h', '-3', ' 5', '5 ']) {
      expect(parseDurationSeconds(value), JSON.stringify(value)).toBeUndefined();
    }
  });
});
