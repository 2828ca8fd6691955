import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadOrCreateDevSecrets } from './shared/dev-secrets.js';

const durationPattern = /^(\d+)(s|m|h|d)$/;
const durationUnitsInSeconds = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const MAX_TOKEN_TTL_SECONDS = 365 * 86_400;

/** The built web app next to the running code: dist/web beside dist/config.js (src/web, absent, when run from source). */
const DEFAULT_WEB_DIR = fileURLToPath(new URL('web', import.meta.url));

const sizeUnits = { b: 1, kb: 1024, mb: 1024 * 1024 } as const;

/** Parses "512kb" or "1mb" into bytes. */
function sizeInBytes(value: string): number {
  const [, amount = '0', unit = 'b'] = /^(\d+)(b|kb|mb)$/i.exec(value) ?? [];
  return Number(amount) * sizeUnits[unit.toLowerCase() as keyof typeof sizeUnits];
}

/** Parses "900", "15m", "12h" or "7d" into seconds. */
export function parseDurationSeconds(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  const match = durationPattern.exec(value);
  if (!match) return undefined;
  const unit = match[2] as keyof typeof durationUnitsInSeconds;
  return Number(match[1]) * durationUnitsInSeconds[unit];
}

const commaList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

/** Proxies whose X-Forwarded-For is believed: none, a hop count, or their addresses (Express's `trust proxy` forms). */
export type TrustedProxies = false | number | string[];

const NAMED_SUBNETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, an address/prefix (CIDR) or one of proxy-addr's named subnets. */
function isProxyAddress(entry: string): boolean {
  if (NAMED_SUBNETS.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const trustProxy = z
  .string()
  .superRefine((value, context) => {
    if (value === 'true') {
      context.addIssue({
        code: 'custom',
        message: 'true would believe any client\'s X-Forwarded-For; give the proxy hop count (e.g. 1) or the proxies\' addresses',
      });
    } else if (!/^(false|\d+)$/.test(value) && !value.split(',').every((entry) => isProxyAddress(entry.trim()))) {
      context.addIssue({ code: 'custom', message: 'must be false, a hop count, or proxy addresses, CIDRs, loopback, linklocal or uniquelocal, comma-separated' });
    }
  })
  .transform((value): TrustedProxies => {
    if (value === 'false' || value === '0') return false;
    if (/^\d+$/.test(value)) return Number(value);
    return value.split(',').map((entry) => entry.trim());
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  MONGODB_URI: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  REDIS_COMMAND_TIMEOUT: z.coerce.number().int().min(10).default(1000),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_TTL: z
    .string()
    .default('7d')
    .refine((value) => {
      const seconds = parseDurationSeconds(value) ?? 0;
      return seconds > 0 && seconds <= MAX_TOKEN_TTL_SECONDS;
    }, 'must be seconds or a duration like 15m, 12h, 7d, at most 365d')
    .transform((value) => parseDurationSeconds(value) as number),
  SESSION_IDLE_TIMEOUT: z
    .string()
    .default('1d')
    .refine((value) => (parseDurationSeconds(value) ?? 0) > 0, 'must be seconds or a duration like 30m, 12h, 1d')
    .transform((value) => parseDurationSeconds(value) as number),
  CORS_ORIGINS: commaList.default([]),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AUTH_RATE_LIMIT: z.coerce.number().int().min(0).default(20),
  SEND_RATE_LIMIT: z.coerce.number().int().min(0).default(20),
  READ_RATE_LIMIT: z.coerce.number().int().min(0).default(50),
  EDIT_WINDOW: z.coerce.number().int().min(0).default(86_400),
  MAX_SOCKETS_PER_USER: z.coerce.number().int().min(0).default(20),
  MAX_SOCKET_BUFFER: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must be a size like 512kb or 1mb')
    .default('1mb')
    .transform((value) => sizeInBytes(value)),
  OVERLOAD_DELAY_MS: z.coerce.number().int().min(0).default(200),
  MAX_PENDING_SENDS: z.coerce.number().int().min(0).default(1000),
  LOGIN_FAILURES_PER_HOUR: z.coerce.number().int().min(0).default(10),
  LOGIN_FAILURES_PER_DAY: z.coerce.number().int().min(0).default(100),
  PRESENCE_TTL: z.coerce.number().int().min(1).default(30),
  PRESENCE_GRACE: z.coerce.number().int().min(0).default(5),
  SOCKET_PING_INTERVAL: z.coerce.number().int().min(1).default(25),
  SOCKET_PING_TIMEOUT: z.coerce.number().int().min(1).default(20),
  SHUTDOWN_TIMEOUT: z.coerce.number().int().min(1).default(10),
  STORE_TIMEOUT: z.coerce.number().int().min(100).default(5000),
  SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default('full'),
  CREDENTIAL_CHECK_INTERVAL: z.coerce.number().int().min(1).default(30),
  TRUST_PROXY: trustProxy.default(false),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must be a size like 32kb or 1mb')
    .default('32kb'),
  // Read apart: an empty WEB_DIR is not "unset" but "no web app" (see loadConfig).
  WEB_DIR: z.string().optional(),
  METRICS: z.enum(['on', 'off']).default('on'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

/** Every environment variable Parley reads (the README's configuration table lists each). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  dataDir: string;
  mongodbUri: string | undefined;
  redisUrl: string | undefined;
  /** Milliseconds a Redis command may wait for its answer before it fails (and Parley degrades as without Redis). */
  redisCommandTimeoutMs: number;
  jwtSecret: string;
  sessionSecret: string;
  /** Lifetime of issued JWTs and of sessions, in seconds: however active, a login ends then. */
  jwtTtlSeconds: number;
  /** A session unused this long (no request with its cookie, no socket open with it) ends; at most jwtTtlSeconds. */
  sessionIdleTimeoutSeconds: number;
  corsOrigins: string[];
  logLevel: string;
  /** Auth requests per minute per client address; 0 disables the limit. */
  authRateLimitPerMinute: number;
  /** Messages per second per user (REST and sockets together), with a burst allowance; 0 disables. */
  sendRateLimitPerSecond: number;
  /** Reads (history, sync, user search and lookup) per second per user, with a burst allowance; 0 disables. */
  readRateLimitPerSecond: number;
  /** How long after sending a message its sender may edit it, in seconds (deleting has no limit). */
  editWindowSeconds: number;
  /** Open sockets per user across every instance; a handshake past it is refused; 0 disables. */
  maxSocketsPerUser: number;
  /** Most bytes waiting to be sent to one socket (a client that stopped reading) before it is closed. */
  maxSocketBufferBytes: number;
  /** Smoothed event-loop lag (ms) past which sends are shed with 503 overloaded; 0: never. */
  overloadDelayMs: number;
  /** Sends accepted and not yet committed, at most, per instance; past it 503 overloaded. 0: no bound. */
  maxPendingSends: number;
  /** Failed logins of one account from one address per hour (forgotten on success); 0 disables. */
  loginFailuresPerHour: number;
  /** Failed logins of one account from any address per day; 0 disables. */
  loginFailuresPerDay: number;
  /** Seconds a presence entry outlives its last heartbeat (a crashed instance's users go offline then). */
  presenceTtlSeconds: number;
  /** Seconds after a user's last socket closes before contacts are told they went offline (a reconnect within it tells nothing). */
  presenceGraceSeconds: number;
  /**
   * Socket.IO's heartbeat: the server pings every interval and drops a client that does not answer
   * within the timeout; a client that hears no ping for both (its instance frozen or cut off)
   * reconnects, through the load balancer, elsewhere.
   */
  socketPingIntervalSeconds: number;
  socketPingTimeoutSeconds: number;
  /** Seconds a graceful shutdown may take before connections are cut. */
  shutdownTimeoutSeconds: number;
  /** Milliseconds a store operation may wait (for a lock, for a server) before failing with store_unavailable. */
  storeTimeoutMs: number;
  /**
   * SQLite's `synchronous`: 'full' (default) fsyncs every commit, so an acknowledged message
   * survives a power loss; 'normal' only a crash of the process (docs/delivery.md).
   */
  sqliteSynchronous: 'full' | 'normal';
  /** Seconds between re-checks of open sockets' credentials (expiry, logout missed while Redis was away). */
  credentialCheckSeconds: number;
  /**
   * Which proxies' X-Forwarded-For tells the client's address (rate limits key on it): none, the
   * number of proxy hops in front, or the proxies' addresses. Never every address.
   */
  trustProxy: TrustedProxies;
  bodyLimit: string;
  /** Prometheus metrics at /metrics (and the instrumentation that feeds them); off: neither. */
  metricsEnabled: boolean;
  /** When set, /metrics answers only `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** The built web app (index.html, assets/) served at `/`; null: none (WEB_DIR set empty). */
  webDir: string | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Words of example secrets, and secrets with so few distinct characters that they were typed, not generated. */
const PLACEHOLDER_WORDS = /secret|change.?me|password|example|default|placeholder/i;
const MIN_DISTINCT_CHARACTERS = 8;

/** Why a production secret is unfit, or undefined when it looks generated (`openssl rand -base64 48`). */
function weakSecretReason(secret: string): string | undefined {
  if (PLACEHOLDER_WORDS.test(secret)) return 'looks like a placeholder (contains a word like "secret" or "example")';
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) return `has fewer than ${MIN_DISTINCT_CHARACTERS} distinct characters`;
  return undefined;
}

function checkProductionSecrets(jwtSecret: string, sessionSecret: string): void {
  const problems: string[] = [];
  if (jwtSecret === sessionSecret) problems.push('JWT_SECRET and SESSION_SECRET must differ');
  for (const [name, secret] of [['JWT_SECRET', jwtSecret], ['SESSION_SECRET', sessionSecret]] as const) {
    const reason = weakSecretReason(secret);
    if (reason) problems.push(`${name} ${reason}; generate one, e.g. with openssl rand -base64 48`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`).join('; ');
}

/** Reads and validates configuration. Nothing else in Parley reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // A blank variable means "not set", never 0 (which would silently turn a limit off).
  const definedOnly = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse(definedOnly);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${describeIssues(parsed.error)}`);
  const vars = parsed.data;
  const isProduction = vars.NODE_ENV === 'production';
  const dataDir = path.resolve(vars.DATA_DIR);
  // The one variable whose empty value means something: WEB_DIR= turns the web app off.
  const webDirOff = env['WEB_DIR'] !== undefined && env['WEB_DIR'].trim() === '';
  const webDir = webDirOff ? null : path.resolve(vars.WEB_DIR ?? DEFAULT_WEB_DIR);

  let { JWT_SECRET: jwtSecret, SESSION_SECRET: sessionSecret } = vars;
  if (isProduction) {
    const missing = [!jwtSecret && 'JWT_SECRET', !sessionSecret && 'SESSION_SECRET'].filter(Boolean);
    if (missing.length > 0) throw new ConfigError(`Invalid configuration: ${missing.join(', ')} required in production`);
    checkProductionSecrets(jwtSecret as string, sessionSecret as string);
  } else if (!jwtSecret || !sessionSecret) {
    // Generated once and kept in DATA_DIR so restarts and local instances agree.
    const devSecrets = loadOrCreateDevSecrets(dataDir);
    jwtSecret ??= devSecrets.jwtSecret;
    sessionSecret ??= devSecrets.sessionSecret;
  }

  return {
    env: vars.NODE_ENV,
    isProduction,
    port: vars.PORT,
    host: vars.HOST,
    dataDir,
    mongodbUri: vars.MONGODB_URI,
    redisUrl: vars.REDIS_URL,
    redisCommandTimeoutMs: vars.REDIS_COMMAND_TIMEOUT,
    jwtSecret: jwtSecret as string,
    sessionSecret: sessionSecret as string,
    jwtTtlSeconds: vars.JWT_TTL,
    sessionIdleTimeoutSeconds: Math.min(vars.SESSION_IDLE_TIMEOUT, vars.JWT_TTL),
    corsOrigins: vars.CORS_ORIGINS,
    logLevel: vars.LOG_LEVEL,
    authRateLimitPerMinute: vars.AUTH_RATE_LIMIT,
    sendRateLimitPerSecond: vars.SEND_RATE_LIMIT,
    readRateLimitPerSecond: vars.READ_RATE_LIMIT,
    editWindowSeconds: vars.EDIT_WINDOW,
    maxSocketsPerUser: vars.MAX_SOCKETS_PER_USER,
    maxSocketBufferBytes: vars.MAX_SOCKET_BUFFER,
    overloadDelayMs: vars.OVERLOAD_DELAY_MS,
    maxPendingSends: vars.MAX_PENDING_SENDS,
    loginFailuresPerHour: vars.LOGIN_FAILURES_PER_HOUR,
    loginFailuresPerDay: vars.LOGIN_FAILURES_PER_DAY,
    presenceTtlSeconds: vars.PRESENCE_TTL,
    presenceGraceSeconds: vars.PRESENCE_GRACE,
    socketPingIntervalSeconds: vars.SOCKET_PING_INTERVAL,
    socketPingTimeoutSeconds: vars.SOCKET_PING_TIMEOUT,
    shutdownTimeoutSeconds: vars.SHUTDOWN_TIMEOUT,
    storeTimeoutMs: vars.STORE_TIMEOUT,
    sqliteSynchronous: vars.SQLITE_SYNCHRONOUS,
    credentialCheckSeconds: vars.CREDENTIAL_CHECK_INTERVAL,
    trustProxy: vars.TRUST_PROXY,
    bodyLimit: vars.BODY_LIMIT,
    webDir,
    metricsEnabled: vars.METRICS === 'on',
    metricsToken: vars.METRICS_TOKEN,
  };
}
