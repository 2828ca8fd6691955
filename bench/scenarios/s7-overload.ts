import path from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { formatNumber, row } from '../lib/report.js';
import { connectPairs, correctnessOf, deploy, messagingRun, planPairs, prepareUsers, undeploy, type Deployment } from './common.js';
import type { RunRecord, ScenarioResult } from './types.js';

/** Parley's defaults: the scenario runs what production runs. */
const SHEDDING = { OVERLOAD_DELAY_MS: '200', MAX_PENDING_SENDS: '1000' };

/**
 * S7: overload. Parley alone (the relay has no shedding to compare), with load shedding at its
 * default. Its capacity is measured first (closed loop), then sends are offered open loop at
 * multiples of it; the run at the highest multiple is followed at once by one at half
 * capacity, which shows how soon it is back to normal. Every refusal must be `overloaded`;
 * everything acknowledged must be stored and delivered exactly once.
 */
export async function runS7(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationS'>> {
  const m = ctx.settings.messaging;
  const s7 = ctx.settings.s7;
  const lg = await ctx.loadGenerator();
  let deployment: Deployment | undefined;
  try {
    const { users, dataDir } = await prepareUsers(ctx, m.pairs * 2, 's7u');
    deployment = await deploy(ctx, 'P', { dataDir, env: SHEDDING });
    const connected = await connectPairs(lg, deployment, planPairs(users, m.pairs), 's7P');
    const running = deployment;
    const run = (label: string, options: { mode: 'closed' | 'open'; rate?: number; durationMs: number; warmup?: boolean }) =>
      messagingRun(ctx, lg, running, connected, {
        label,
        round: 1,
        warmup: options.warmup ?? false,
        mode: options.mode,
        durationMs: options.durationMs,
        refusalsExpected: true,
        ...(options.rate ? { ratePerSecond: options.rate } : {}),
      });

    await run('warm-up', { mode: 'closed', durationMs: ctx.settings.warmupDurationMs, warmup: true });
    const calibration = await run('capacity', { mode: 'closed', durationMs: s7.capacityMs });
    const capacity = calibration.metrics['throughput'] ?? Number.NaN;
    ctx.log(`  S7 capacity (closed loop): ${formatNumber(capacity)} msg/s`);

    const runs: RunRecord[] = [calibration];
    const rows: ScenarioResult['rows'] = [];
    const highest = Math.max(...s7.multiples);
    for (const multiple of s7.multiples) {
      const rate = Math.round(capacity * multiple);
      const label = `${multiple}x`;
      const record = await run(label, { mode: 'open', rate, durationMs: multiple === highest ? s7.overloadMs : s7.levelMs });
      record.metrics['offeredRate'] = rate;
      runs.push(record);
      rows.push(...levelRows(`offered ${label} capacity (${formatNumber(rate)}/s)`, record));
    }
    // Straight after the highest load: half capacity, as in normal times.
    const recovery = await run('recovery', { mode: 'open', rate: Math.round(capacity / 2), durationMs: s7.recoveryMs });
    runs.push(recovery);
    rows.push(...levelRows(`right after, 0.5x capacity (${formatNumber(Math.round(capacity / 2))}/s)`, recovery));

    await lg.send({ cmd: 'disconnect', keys: connected.keys });
    return {
      id: 'S7',
      title: 'Overload: offered load past capacity, with load shedding',
      config: { pairs: m.pairs, shedding: SHEDDING, capacity, ...s7, dataDir: path.basename(dataDir) },
      rows: [row({ metric: 'capacity (closed loop)', unit: 'msg/s', p: [capacity] }), ...rows],
      runs,
      correctness: correctnessOf(runs),
      notes: [
        'P only (the relay sheds nothing). Latencies are of accepted sends, from their scheduled send time; refused sends were answered `overloaded` (retryAfter 1) and not stored.',
        'Each run checks that every acknowledged send is stored exactly once and delivered exactly once, and that every refusal is `overloaded`.',
      ],
    };
  } finally {
    await undeploy(deployment);
  }
}

function levelRows(level: string, record: RunRecord): ScenarioResult['rows'] {
  const metric = (name: string) => {
    const value = record.metrics[name];
    return typeof value === 'number' && Number.isFinite(value) ? [value] : [];
  };
  return [
    row({ metric: `${level}: offered`, unit: 'msg/s', p: metric('offeredPerSecond') }),
    row({ metric: `${level}: accepted`, unit: 'msg/s', p: metric('throughput') }),
    row({ metric: `${level}: refused (overloaded)`, unit: 'msg/s', p: metric('refusedPerSecond') }),
    row({ metric: `${level}: ack latency p99 (accepted)`, unit: 'ms', p: metric('ackP99') }),
    row({ metric: `${level}: delivery latency p99`, unit: 'ms', p: metric('deliveryP99') }),
    row({ metric: `${level}: server event-loop delay p99`, unit: 'ms', p: metric('eldP99') }),
    row({ metric: `${level}: server RSS`, unit: 'MiB', p: metric('rssMiB') }),
    row({ metric: `${level}: load generator CPU`, unit: '% of a core', p: metric('loadgenCpuPct') }),
  ];
}
