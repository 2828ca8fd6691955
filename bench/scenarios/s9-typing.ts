import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import type { BenchContext } from '../lib/context.js';
import { atMost, formatNumber, row, values } from '../lib/report.js';
import { databaseFile, importDist } from '../lib/seed.js';
import type { TypingResult } from '../load/protocol.js';
import {
  connectPairs,
  correctnessOf,
  deployBoth,
  foreignWarning,
  interleaved,
  planPairs,
  prepareUsers,
  serverSet,
  undeployBoth,
  type ConnectedPairs,
  type Deployment,
} from './common.js';
import type { RunRecord, ScenarioResult } from './types.js';

type TypingModule = typeof import('../../src/modules/chats/typing.service.js');

/** What the SQLite file looks like from outside: commits by any other connection move data_version. */
interface StoreState {
  dataVersion: number;
  dbBytes: number;
  walBytes: number;
}

/**
 * Watches P's SQLite file during a run from a read-only connection of its own, opened before the
 * first run: `PRAGMA data_version` changes when any other connection (the server's) commits, so a
 * typing event that wrote anything fails the run. File sizes are kept for the record; a WAL that
 * grew also fails it (a checkpoint may shrink it, never grow it).
 */
class StoreWatch {
  private readonly db: BetterSqlite3.Database;

  constructor(private readonly dataDir: string) {
    this.db = new BetterSqlite3(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  }

  state(): StoreState {
    const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
    return {
      dataVersion: this.db.pragma('data_version', { simple: true }) as number,
      dbBytes: size(databaseFile(this.dataDir)),
      walBytes: size(`${databaseFile(this.dataDir)}-wal`),
    };
  }

  close(): void {
    this.db.close();
  }
}

async function alive(deployment: Deployment): Promise<boolean> {
  for (const server of deployment.servers) {
    if (!server.managed.running()) return false;
    const ok = await fetch(`${server.url}/health/live`).then(
      (response) => response.ok,
      () => false,
    );
    if (!ok) return false;
  }
  return true;
}

/**
 * S9: a typing flood (issue 14). Each of N pairs has one side emit `typing` for their conversation,
 * open loop at a fixed total rate (mostly `isTyping: true`, one false per pair every
 * falseEveryMs); the peer's socket receives what the server forwards: at most one true per user
 * and conversation per second, every false. P (one instance, SQLite, no Redis) against R with the
 * same throttle, interleaved. Checked per run: every false arrives (and is acked), to the right
 * socket only, in order; trues arrive one per second (not closer, not further apart);
 * P's SQLite file sees no commit; the server still answers afterwards.
 */
export async function runS9(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationS'>> {
  const settings = ctx.settings.s9;
  const { TYPING_THROTTLE_MS: throttleMs } = await importDist<TypingModule>('modules/chats/typing.service.js');
  const lg = await ctx.loadGenerator();
  const { users, dataDir } = await prepareUsers(ctx, settings.pairs * 2, 's9u');
  const plan = planPairs(users, settings.pairs);
  let deployments: { P: Deployment; R: Deployment } | undefined;
  let watch: StoreWatch | undefined;
  try {
    deployments = await deployBoth(ctx, { dataDir });
    const both = deployments;
    const connected: { P: ConnectedPairs; R: ConnectedPairs } = {
      P: await connectPairs(lg, both.P, plan, 's9P'),
      R: await connectPairs(lg, both.R, plan, 's9R'),
    };
    watch = new StoreWatch(dataDir);
    const store = watch;
    const storeAtStart = store.state();

    const typingRun = async (label: 'P' | 'R', rate: number, round: number, warmup: boolean): Promise<RunRecord> => {
      const deployment = both[label];
      const runId = ctx.nextName('run');
      const falseEvery = Math.max(2, Math.round(((rate / settings.pairs) * settings.falseEveryMs) / 1000));
      const before = label === 'P' ? store.state() : undefined;
      const result: TypingResult = await lg.send({
        cmd: 'typing',
        spec: {
          runId,
          pairs: connected[label].pairs,
          ratePerSecond: rate,
          falseEvery,
          rampMs: ctx.settings.messaging.rampMs,
          durationMs: warmup ? ctx.settings.warmupDurationMs : settings.durationMs,
          drainTimeoutMs: settings.drainTimeoutMs,
          throttleMs,
          jitterMs: settings.jitterMs,
          servers: serverSet(ctx, deployment),
        },
      });
      const after = label === 'P' ? store.state() : undefined;
      const up = await alive(deployment);
      const c = result.correctness;
      const details: Record<string, unknown> = { runId, falseEvery, ...c, alive: up };
      let ok = c.ok && up;
      if (before && after) {
        const unchanged = after.dataVersion === before.dataVersion && after.walBytes <= before.walBytes;
        details['store'] = { before, after, unchanged };
        ok = ok && unchanged;
      } else {
        details['store'] = 'n/a (relay stores nothing)';
      }
      const eld = result.eventLoop.map((report) => report.eld);
      const finiteMax = (list: (number | null)[]) => {
        const finite = list.filter((value): value is number => value !== null && Number.isFinite(value));
        return finite.length > 0 ? Math.max(...finite) : null;
      };
      const perSecond = (count: number) => (count / result.wallMs) * 1000;
      const metrics: Record<string, number | null> = {
        cpuPerEventUs: result.cpuPerEventUs,
        offeredPerSecond: perSecond(result.sentInWindow),
        forwardedPerSecond: perSecond(result.receivedInWindow),
        forwardedTruePerSecond: perSecond(result.receivedTrueInWindow),
        forwardedFalsePerSecond: perSecond(result.receivedFalseInWindow),
        eldP99: finiteMax(eld.map((e) => e.p99)),
        eldMax: finiteMax(eld.map((e) => e.max)),
        falseDeliveryP50: result.falseDelivery.p50,
        falseDeliveryP99: result.falseDelivery.p99,
        falseDeliveryMax: result.falseDelivery.max,
        serverCpuPct: (result.serverCpuMicros / 1000 / result.wallMs) * 100,
        loadgenCpuPct: result.loadgenCpuPct,
        foreignCpuPct: result.foreignCpuPct,
        minTrueGapMs: c.minTrueGapMs,
        maxTrueGapMs: c.maxTrueGapMs,
        jitterAllowanceMs: c.jitterAllowanceMs,
        tightGaps: c.tightGaps,
        maxTruesPerSecondWindow: c.maxTruesPerSecondWindow,
        rssMiB: finiteMax(result.eventLoop.map((report) => report.memory.rss / 2 ** 20)),
        offeredRate: rate,
      };
      ctx.log(
        `  ${label} @${formatNumber(rate)}/s ${warmup ? 'warm-up' : `round ${round}`}: ` +
          `${formatNumber(result.cpuPerEventUs)} µs CPU/event (server ${formatNumber(metrics['serverCpuPct'])}%, loadgen ${formatNumber(result.loadgenCpuPct)}%), ` +
          `offered ${formatNumber(metrics['offeredPerSecond'])}/s, forwarded ${formatNumber(metrics['forwardedPerSecond'])}/s ` +
          `(${c.receivedTrue} true of ${c.sentTrue}, ${c.receivedFalse} false of ${c.sentFalse}), ` +
          `gaps between trues ${formatNumber(c.minTrueGapMs)}-${formatNumber(c.maxTrueGapMs)} ms (allowed ≥ ${throttleMs - c.jitterAllowanceMs}), event-loop p99 ${formatNumber(metrics['eldP99'])} ms` +
          (before && after ? `, data_version ${before.dataVersion}->${after.dataVersion}, WAL ${before.walBytes}->${after.walBytes} B` : '') +
          foreignWarning(result.foreignCpuPct) +
          (ok ? ', ok' : `, CORRECTNESS FAILED ${JSON.stringify(details)}`),
      );
      return { label: `${label}@${rate}`, impl: label, round, warmup, metrics, correctness: { ok, details } };
    };

    const runs: RunRecord[] = [];
    const rows: ScenarioResult['rows'] = [];
    for (const rate of settings.rates) {
      ctx.log(`  S9 at ${formatNumber(rate)} typing events/s`);
      runs.push(...(await interleaved(ctx, ['P', 'R'], (label, round, warmup) => typingRun(label as 'P' | 'R', rate, round, warmup))));
      const v = (label: string, metric: string) => values(runs, `${label}@${rate}`, metric);
      const name = `@${formatNumber(rate)}/s`;
      rows.push(
        row({ metric: `${name}: server CPU per offered event`, unit: 'µs', p: v('P', 'cpuPerEventUs'), ref: v('R', 'cpuPerEventUs'), target: atMost(1.5) }),
        row({ metric: `${name}: server CPU`, unit: '% of a core', p: v('P', 'serverCpuPct'), ref: v('R', 'serverCpuPct') }),
        row({ metric: `${name}: server event-loop delay p99`, unit: 'ms', p: v('P', 'eldP99'), ref: v('R', 'eldP99') }),
        row({ metric: `${name}: forwarded events received by peers`, unit: '1/s', p: v('P', 'forwardedPerSecond'), ref: v('R', 'forwardedPerSecond') }),
        row({ metric: `${name}: false delivery latency p99`, unit: 'ms', p: v('P', 'falseDeliveryP99'), ref: v('R', 'falseDeliveryP99') }),
        row({ metric: `${name}: achieved offered rate`, unit: '1/s', p: v('P', 'offeredPerSecond'), ref: v('R', 'offeredPerSecond') }),
        row({ metric: `${name}: load generator CPU`, unit: '% of a core', p: v('P', 'loadgenCpuPct'), ref: v('R', 'loadgenCpuPct') }),
      );
    }
    // Before the sockets close: going offline stores lastSeenAt.
    const storeAtEnd = store.state();
    await lg.send({ cmd: 'disconnect', keys: [...connected.P.keys, ...connected.R.keys] });

    return {
      id: 'S9',
      title: 'Typing flood: one instance, SQLite, open loop',
      config: { ...settings, throttleMs, rampMs: ctx.settings.messaging.rampMs },
      rows,
      runs,
      correctness: correctnessOf(runs),
      notes: [
        `${settings.pairs} pairs; one side of each sends \`typing\` for their conversation, the pairs in turn at the total rate (so ${settings.rates.map((rate) => `${formatNumber(rate / settings.pairs)}/s`).join(' and ')} per sender), one \`isTyping: false\` per pair every ${settings.falseEveryMs} ms of its events (acked), the others true (no ack); a final false per pair when sending stops.`,
        'CPU per offered event: server CPU over the window divided by the events sent in it (dropped ones included). R forwards with the same throttle as Parley (1 true per user and conversation per second, a false between or not; every false), so both forward the same events; R has no validation, no block check and no request context.',
        `Checked per run: every false arrives once, in order, at the peer only, and is acked ok; no two consecutive trues of a pair (falses between them or not) closer than the throttle (${throttleMs} ms) less the delivery jitter allowed: the run's worst false delivery latency, at least ${settings.jitterMs} ms (jitterAllowanceMs; gaps under ${throttleMs - settings.jitterMs} ms are counted as tightGaps), nor further apart than the throttle plus two of the sender's send intervals plus that allowance (livenessViolations); P's SQLite file sees no commit (PRAGMA data_version from a connection of the bench, WAL not grown); the server answers /health/live afterwards.`,
        `P's SQLite file over the whole scenario: data_version ${storeAtStart.dataVersion} -> ${storeAtEnd.dataVersion}, WAL ${storeAtStart.walBytes} -> ${storeAtEnd.walBytes} bytes, db ${storeAtStart.dbBytes} -> ${storeAtEnd.dbBytes} bytes. Reads are not counted: the block check reads the store once per pair per block-cache TTL (10 s).`,
      ],
      extra: { storeAtStart, storeAtEnd },
    };
  } finally {
    watch?.close();
    await undeployBoth(deployments);
  }
}
