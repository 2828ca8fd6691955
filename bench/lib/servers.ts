import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parleyBuildRoot, projectRoot, type BenchContext } from './context.js';
import { freePort } from '../../test/helpers/free-port.js';
import { answersPing } from '../../test/helpers/redis-server.js';
import { waitForHttp, type Managed } from './processes.js';

export type Impl = 'P' | 'R';

export interface ServerHandle {
  impl: Impl;
  name: string;
  url: string;
  pid: number;
  probeFile: string;
  managed: Managed;
  stop(): Promise<void>;
}

const probePath = path.join(projectRoot, 'bench/event-loop-probe.mjs');

export interface ServerOptions {
  dataDir?: string;
  redisUrl?: string;
  /** --expose-gc, so each probe report runs a full GC first (connection memory scenario). */
  exposeGc?: boolean;
  /** Extra environment for Parley (the overload scenario turns shedding on). */
  env?: Record<string, string>;
}

/** node flags for a server: --expose-gc when asked, --cpu-prof when profiling. */
function nodeFlags(ctx: BenchContext, options: ServerOptions): string[] {
  return [
    ...(options.exposeGc ? ['--expose-gc'] : []),
    ...(ctx.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}`] : []),
  ];
}

interface NodeServerSpec {
  impl: Impl;
  /** Node arguments after the flags and the event-loop probe. */
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stopGraceMs: number;
}

/** A Node server with the event-loop probe, on the servers' core, listening on a free port; resolves once it answers. */
async function startNodeServer(ctx: BenchContext, options: ServerOptions, spec: NodeServerSpec): Promise<ServerHandle> {
  const name = ctx.nextName(spec.impl === 'P' ? 'parley' : 'relay');
  const port = await freePort();
  const probeFile = path.join(ctx.runDir, `${name}.probe.json`);
  const managed = ctx.registry.start({
    name,
    command: process.execPath,
    args: [...nodeFlags(ctx, options), '--import', probePath, ...spec.args],
    cwd: spec.cwd,
    cpus: ctx.serverCpus,
    logFile: path.join(ctx.runDir, `${name}.log`),
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      REDIS_URL: options.redisUrl ?? '',
      BENCH_ELD_FILE: probeFile,
      NODE_OPTIONS: '',
      ...spec.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health/live`, managed);
  return { impl: spec.impl, name, url, pid: managed.pid, probeFile, managed, stop: () => managed.stop(spec.stopGraceMs) };
}

/** node's own flags in `npm start` ("node --max-semi-space-size=32 dist/index.js"): P runs as Parley is run. */
function npmStartFlags(): string[] {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return scripts.start.split(' ').slice(1, -1);
}

/** Parley as `npm start` runs it, with the probe: `node --import bench/event-loop-probe.mjs <its flags> dist/index.js` (the frozen copy), production mode. */
export function startParley(ctx: BenchContext, options: ServerOptions & { dataDir: string }): Promise<ServerHandle> {
  return startNodeServer(ctx, options, {
    impl: 'P',
    args: [...npmStartFlags(), 'dist/index.js'],
    cwd: parleyBuildRoot(),
    env: {
      DATA_DIR: options.dataDir,
      MONGODB_URI: '',
      JWT_SECRET: ctx.jwtSecret,
      SESSION_SECRET: ctx.sessionSecret,
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT: '0',
      SEND_RATE_LIMIT: '0',
      READ_RATE_LIMIT: '0',
      MAX_SOCKETS_PER_USER: '0',
      // Shedding off: S1-S6 measure everything offered; the overload scenario turns it on.
      OVERLOAD_DELAY_MS: '0',
      MAX_PENDING_SENDS: '0',
      // For trying a node or V8 flag on Parley alone (R keeps the defaults), e.g. --max-semi-space-size=64.
      NODE_OPTIONS: process.env.BENCH_PARLEY_NODE_OPTIONS ?? '',
      ...options.env,
    },
    stopGraceMs: 20_000,
  });
}

/** The reference relay, with the same probe, on the same core. */
export function startRelay(ctx: BenchContext, options: ServerOptions = {}): Promise<ServerHandle> {
  return startNodeServer(ctx, options, {
    impl: 'R',
    args: ['--import', 'tsx', 'bench/reference-relay.ts'],
    cwd: projectRoot,
    env: { NODE_OPTIONS: process.env.BENCH_RELAY_NODE_OPTIONS ?? '' },
    stopGraceMs: 10_000,
  });
}

export function startServer(ctx: BenchContext, impl: Impl, options: ServerOptions & { dataDir: string }): Promise<ServerHandle> {
  return impl === 'P' ? startParley(ctx, options) : startRelay(ctx, options);
}

export interface RedisHandle {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** A private redis-server on a free loopback port, no persistence, on the servers' core. */
export async function startRedis(ctx: BenchContext): Promise<RedisHandle> {
  const name = ctx.nextName('redis');
  const port = await freePort();
  const dir = path.join(ctx.runDir, name);
  fs.mkdirSync(dir, { recursive: true });
  const managed = ctx.registry.start({
    name,
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    cpus: ctx.serverCpus,
    logFile: path.join(ctx.runDir, `${name}.log`),
  });
  for (let attempt = 0; ; attempt++) {
    if (await answersPing(port)) break;
    if (!managed.running() || attempt > 200) throw new Error(`redis-server did not start:\n${managed.logTail()}`);
    await sleep(25);
  }
  return { url: `redis://127.0.0.1:${port}`, pid: managed.pid, stop: () => managed.stop(5000) };
}
