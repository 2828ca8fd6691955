import path from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { formatNumber } from '../lib/report.js';
import type { LoadGenerator } from '../lib/loadgen.js';
import { countStored, makeUsers, seedUsers, type BenchUser } from '../lib/seed.js';
import { startServer, type Impl, type RedisHandle, type ServerHandle } from '../lib/servers.js';
import type { LoginSpec, MessagingResult, ServerSet } from '../load/protocol.js';
import type { RunRecord, ScenarioResult } from './types.js';

/** Some running servers of one implementation (several instances share Redis and, for P, one SQLite file). */
export interface Deployment {
  impl: Impl;
  servers: ServerHandle[];
  redis?: RedisHandle;
  dataDir: string;
}

export async function deploy(
  ctx: BenchContext,
  impl: Impl,
  options: { instances?: number; dataDir: string; redis?: RedisHandle; exposeGc?: boolean; env?: Record<string, string> },
): Promise<Deployment> {
  const start = () =>
    startServer(ctx, impl, {
      dataDir: options.dataDir,
      ...(options.redis ? { redisUrl: options.redis.url } : {}),
      ...(options.exposeGc ? { exposeGc: true } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
  const count = options.instances ?? 1;
  let servers: ServerHandle[] = [];
  if (impl === 'R') {
    servers = await Promise.all(Array.from({ length: count }, start));
  } else {
    // One at a time: Parley instances sharing a SQLite file each set it up at start.
    for (let i = 0; i < count; i++) servers.push(await start());
  }
  return { impl, servers, dataDir: options.dataDir, ...(options.redis ? { redis: options.redis } : {}) };
}

/** Parley and the relay side by side (started concurrently; both are idle until a run addresses one). */
export async function deployBoth(
  ctx: BenchContext,
  options: { instances?: number; dataDir: string; redis?: RedisHandle },
): Promise<{ P: Deployment; R: Deployment }> {
  const [p, r] = await Promise.allSettled([deploy(ctx, 'P', options), deploy(ctx, 'R', options)]);
  if (p.status === 'rejected' || r.status === 'rejected') {
    await undeploy(p.status === 'fulfilled' ? p.value : undefined);
    await undeploy(r.status === 'fulfilled' ? r.value : undefined);
    throw p.status === 'rejected' ? p.reason : (r as PromiseRejectedResult).reason;
  }
  return { P: p.value, R: r.value };
}

export async function undeploy(deployment: Deployment | undefined): Promise<void> {
  if (deployment) await Promise.all(deployment.servers.map((server) => server.stop()));
}

export function serverSet(ctx: BenchContext, deployment: Deployment): ServerSet {
  return {
    cpus: ctx.serverCpus,
    pids: deployment.servers.map((server) => server.pid),
    probes: deployment.servers.map((server) => ({ pid: server.pid, file: server.probeFile })),
    ...(deployment.redis ? { redisPid: deployment.redis.pid } : {}),
  };
}

/** Users for a scenario: written into a fresh Parley data folder (the relay needs none). */
export async function prepareUsers(ctx: BenchContext, count: number, prefix: string): Promise<{ users: BenchUser[]; dataDir: string }> {
  const users = await makeUsers(count, prefix, ctx.jwtSecret);
  const dataDir = path.join(ctx.runDir, ctx.nextName('data'));
  await seedUsers(dataDir, users);
  return { users, dataDir };
}

export const tokenFor = (impl: Impl, user: BenchUser) => (impl === 'P' ? user.token : user.id);

export interface PairPlan {
  sender: BenchUser;
  receiver: BenchUser;
  senderInstance: number;
  receiverInstance: number;
}

/** Pairs of users 2i -> 2i+1; with several instances the receiver sits on the next instance. */
export function planPairs(users: BenchUser[], pairs: number, instances = 1): PairPlan[] {
  return Array.from({ length: pairs }, (_, i) => ({
    sender: users[2 * i] as BenchUser,
    receiver: users[2 * i + 1] as BenchUser,
    senderInstance: i % instances,
    receiverInstance: (i + 1) % instances,
  }));
}

export interface ConnectedPairs {
  pairs: { sender: string; receiver: string }[];
  keys: string[];
}

export async function connectPairs(lg: LoadGenerator, deployment: Deployment, plan: PairPlan[], tag: string): Promise<ConnectedPairs> {
  const clients = plan.flatMap((pair, i) => [
    { key: `${tag}:s${i}`, url: deployment.servers[pair.senderInstance]?.url ?? '', userId: pair.sender.id, token: tokenFor(deployment.impl, pair.sender) },
    { key: `${tag}:r${i}`, url: deployment.servers[pair.receiverInstance]?.url ?? '', userId: pair.receiver.id, token: tokenFor(deployment.impl, pair.receiver) },
  ]);
  const result = await lg.send({ cmd: 'connect', clients, concurrency: 16, timeoutMs: 20_000 });
  if (result.failed > 0) throw new Error(`${tag}: ${result.failed} of ${clients.length} sockets failed to connect: ${result.firstError ?? ''}`);
  return { pairs: plan.map((_, i) => ({ sender: `${tag}:s${i}`, receiver: `${tag}:r${i}` })), keys: clients.map((client) => client.key) };
}

/** Parley and the relay, each with its own fresh pairs of users connected (all stopped again on failure). */
export interface PairedSetup {
  deployments: { P: Deployment; R: Deployment };
  connected: { P: ConnectedPairs; R: ConnectedPairs };
}

export async function deployAndConnectPairs(
  ctx: BenchContext,
  lg: LoadGenerator,
  tag: string,
  options: { instances?: number; redis?: RedisHandle } = {},
): Promise<PairedSetup> {
  const { pairs } = ctx.settings.messaging;
  const instances = options.instances ?? 1;
  const { users, dataDir } = await prepareUsers(ctx, pairs * 2, `${tag}u`);
  const plan = planPairs(users, pairs, instances);
  const deployments = await deployBoth(ctx, { instances, dataDir, ...(options.redis ? { redis: options.redis } : {}) });
  try {
    const connected = { P: await connectPairs(lg, deployments.P, plan, `${tag}P`), R: await connectPairs(lg, deployments.R, plan, `${tag}R`) };
    return { deployments, connected };
  } catch (error) {
    await undeployBoth(deployments);
    throw error;
  }
}

export async function undeployBoth(deployments: { P: Deployment; R: Deployment } | undefined): Promise<void> {
  await undeploy(deployments?.P);
  await undeploy(deployments?.R);
}

export interface MessagingRunOptions {
  label: string;
  round: number;
  warmup: boolean;
  mode: 'closed' | 'open';
  ratePerSecond?: number;
  login?: LoginSpec;
  /** Window length of a measured run, instead of settings.messaging.durationMs. */
  durationMs?: number;
  /** Load shedding is expected: sends refused with `overloaded` do not fail the run (everything else is checked). */
  refusalsExpected?: boolean;
  /** Skip counting the stored rows (a full scan: too slow on the soak's growing file; checked once at its end). */
  skipStoredCheck?: boolean;
}

/** One messaging run, with the stored-count check for Parley, as a RunRecord. */
export async function messagingRun(
  ctx: BenchContext,
  lg: LoadGenerator,
  deployment: Deployment,
  connected: ConnectedPairs,
  options: MessagingRunOptions,
): Promise<RunRecord> {
  const runId = ctx.nextName('run');
  const m = ctx.settings.messaging;
  const result: MessagingResult = await lg.send({
    cmd: 'messaging',
    spec: {
      runId,
      pairs: connected.pairs,
      mode: options.mode,
      inFlightPerSender: m.inFlightPerSender,
      ratePerSecond: options.ratePerSecond ?? 0,
      rampMs: m.rampMs,
      durationMs: options.warmup ? ctx.settings.warmupDurationMs : (options.durationMs ?? m.durationMs),
      drainTimeoutMs: m.drainTimeoutMs,
      messageChars: m.messageChars,
      servers: serverSet(ctx, deployment),
      ...(options.login ? { login: options.login } : {}),
    },
  });
  const c = result.correctness;
  const details: Record<string, unknown> = { runId, ...c };
  const onlyShed = c.failedAcks === (c.failedByCode['overloaded'] ?? 0);
  let ok = options.refusalsExpected ? c.okWithRefusals && onlyShed : c.ok;
  if (deployment.impl === 'P' && !options.skipStoredCheck) {
    const stored = countStored(deployment.dataDir, runId);
    details['stored'] = stored.rows;
    details['storedDistinct'] = stored.distinctClientMsgIds;
    ok = ok && stored.rows === c.acked && stored.distinctClientMsgIds === stored.rows;
  } else {
    details['stored'] = deployment.impl === 'P' ? 'not counted per run' : 'n/a (relay stores nothing)';
  }
  if (result.login) {
    details['login'] = { completed: result.login.completed, failed: result.login.failed };
    ok = ok && result.login.failed === 0;
  }
  const eld = result.eventLoop.map((report) => report.eld);
  const maxOf = (values: (number | null)[]) => {
    const finite = values.filter((value): value is number => value !== null && Number.isFinite(value));
    return finite.length > 0 ? Math.max(...finite) : null;
  };
  const metrics: Record<string, number | null> = {
    cpuPerMessageUs: result.cpuPerMessageUs,
    throughput: result.throughput,
    ackP50: result.ack.p50,
    ackP99: result.ack.p99,
    ackMax: result.ack.max,
    deliveryP50: result.delivery.p50,
    deliveryP99: result.delivery.p99,
    deliveryMax: result.delivery.max,
    eldP99: maxOf(eld.map((e) => e.p99)),
    eldMax: maxOf(eld.map((e) => e.max)),
    serverCpuPct: (result.serverCpuMicros / 1000 / result.wallMs) * 100,
    loadgenCpuPct: result.loadgenCpuPct,
    foreignCpuPct: result.foreignCpuPct,
    redisCpuPerMessageUs: result.redisCpuPerMessageUs,
    messages: result.ackedInWindow,
    offeredPerSecond: (result.sentInWindow / result.wallMs) * 1000,
    refusedPerSecond: (result.failedInWindow / result.wallMs) * 1000,
    refusedInWindow: result.failedInWindow,
    rssMiB: maxOf(result.eventLoop.map((report) => report.memory.rss / 2 ** 20)),
    heapUsedMiB: maxOf(result.eventLoop.map((report) => report.memory.heapUsed / 2 ** 20)),
    externalMiB: maxOf(result.eventLoop.map((report) => report.memory.external / 2 ** 20)),
    heapAfterGcMiB: maxOf(result.eventLoop.map((report) => (report.afterGc ? report.afterGc.heapUsed / 2 ** 20 : null))),
    activeResources: maxOf(result.eventLoop.map((report) => (report.resources ? Object.values(report.resources).reduce((a, b) => a + b, 0) : null))),
    loginPerSecond: result.login?.perSecond ?? null,
    loginP99: result.login?.latency.p99 ?? null,
    loginFailed: result.login?.failed ?? null,
  };
  const record: RunRecord = {
    label: options.label,
    impl: deployment.impl,
    round: options.round,
    warmup: options.warmup,
    metrics,
    correctness: { ok, details },
  };
  const rate = options.mode === 'open' && options.ratePerSecond ? ` @${formatNumber(options.ratePerSecond)}/s` : '';
  ctx.log(
    `  ${options.label}${rate} ${options.warmup ? 'warm-up' : `round ${options.round}`}: ` +
      `${formatNumber(result.throughput)} msg/s, ${formatNumber(result.cpuPerMessageUs)} µs CPU/msg ` +
      `(server ${formatNumber(metrics['serverCpuPct'])}%, loadgen ${formatNumber(result.loadgenCpuPct)}%), ` +
      `ack p99 ${formatNumber(result.ack.p99)} ms, delivery p99 ${formatNumber(result.delivery.p99)} ms` +
      (c.failedAcks > 0 ? `, refused ${c.failedAcks} (${JSON.stringify(c.failedByCode)})` : '') +
      (result.login ? `, logins ${formatNumber(result.login.perSecond)}/s` : '') +
      foreignWarning(result.foreignCpuPct) +
      (ok ? ', ok' : `, CORRECTNESS FAILED ${JSON.stringify(details)}`),
  );
  return record;
}

/** Above this share of the server core used by other processes, a run is flagged as disturbed. */
export const FOREIGN_CPU_WARNING_PCT = 15;

export function foreignWarning(foreignCpuPct: number | null): string {
  return foreignCpuPct !== null && foreignCpuPct > FOREIGN_CPU_WARNING_PCT
    ? `, WARNING: ${formatNumber(foreignCpuPct)}% of the server core used by other processes`
    : '';
}

export interface InterleaveOptions {
  warmupRounds?: number;
  rounds?: number;
  /** Reverse the order every other round (A B, B A, A B ...), so a drift in the machine's speed during the run falls on both labels alike. */
  alternate?: boolean;
}

/** Runs each label once per round, interleaved (P R P R ...), warm-up rounds first. */
export async function interleaved(
  ctx: BenchContext,
  labels: string[],
  run: (label: string, round: number, warmup: boolean) => Promise<RunRecord | RunRecord[]>,
  options: InterleaveOptions = {},
): Promise<RunRecord[]> {
  const { warmupRounds = ctx.settings.warmupRounds, rounds = ctx.settings.rounds, alternate = false } = options;
  const records: RunRecord[] = [];
  for (let i = 0; i < warmupRounds + rounds; i++) {
    const warmup = i < warmupRounds;
    const round = warmup ? 0 : i - warmupRounds + 1;
    const order = alternate && i % 2 === 1 ? [...labels].reverse() : labels;
    for (const label of order) {
      const result = await run(label, round, warmup);
      records.push(...(Array.isArray(result) ? result : [result]));
    }
  }
  return records;
}

export function correctnessOf(runs: RunRecord[]): ScenarioResult['correctness'] {
  const checked = runs.filter((run) => run.correctness);
  const failures = checked
    .filter((run) => !run.correctness?.ok)
    .map((run) => `${run.label} round ${run.round}${run.warmup ? ' (warm-up)' : ''}: ${JSON.stringify(run.correctness?.details)}`);
  return { ok: failures.length === 0, checkedRuns: checked.length, failures };
}
