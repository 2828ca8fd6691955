import fs from 'node:fs';
import path from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { readRssBytes } from '../lib/proc-stats.js';
import { formatNumber, row } from '../lib/report.js';
import { countAllStored } from '../lib/seed.js';
import { startRedis, type RedisHandle } from '../lib/servers.js';
import { median } from '../lib/stats.js';
import { renderChart } from '../lib/svg-chart.js';
import { connectPairs, deploy, messagingRun, planPairs, prepareUsers, undeploy, type Deployment } from './common.js';
import type { RunRecord, ScenarioResult } from './types.js';

/** One point of the soak's time series, taken at the end of each window. */
export interface SoakSample {
  minute: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapAfterGcMiB: number;
  eldP99Ms: number;
  eldMaxMs: number;
  activeResources: number;
  openFds: number;
  throughput: number;
  ackP99Ms: number;
  refused: number;
}

const openFds = (pid: number) => {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
};

/** Least-squares slope of y over x (per unit of x). */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

/**
 * The soak (`npm run bench -- --soak [MINUTES]`): one Parley instance with Redis, as deployed,
 * at half its measured capacity for an hour (open loop, every message checked), while other
 * clients keep reconnecting (connect, sync, stay 5-20 s, leave). After every one-minute window
 * it records RSS, heap (before and after a full GC), event-loop delay, active handles and open
 * file descriptors; the trend after the first minutes says whether anything leaks. Writes the
 * series as JSON and a chart (SVG) next to the results.
 */
export async function runSoak(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationS'>> {
  const soak = ctx.settings.soak;
  const m = ctx.settings.messaging;
  const lg = await ctx.loadGenerator();
  let redis: RedisHandle | undefined;
  let deployment: Deployment | undefined;
  let churning = false;
  try {
    redis = await startRedis(ctx);
    const { users, dataDir } = await prepareUsers(ctx, m.pairs * 2 + soak.churnClients, 'sk');
    deployment = await deploy(ctx, 'P', { dataDir, redis, exposeGc: true, env: { OVERLOAD_DELAY_MS: '200', MAX_PENDING_SENDS: '1000' } });
    const server = deployment.servers[0];
    if (!server) throw new Error('no server');
    const connected = await connectPairs(lg, deployment, planPairs(users, m.pairs), 'skP');
    const running = deployment;

    const warmup = await messagingRun(ctx, lg, running, connected, { label: 'warm-up', round: 0, warmup: true, mode: 'closed', skipStoredCheck: true });
    const calibration = await messagingRun(ctx, lg, running, connected, { label: 'capacity', round: 0, warmup: false, mode: 'closed', skipStoredCheck: true });
    const capacity = calibration.metrics['throughput'] ?? Number.NaN;
    const rate = Math.max(1, Math.round(capacity * soak.capacityFraction));
    ctx.log(`  soak: capacity ${formatNumber(capacity)} msg/s; ${soak.minutes} min at ${formatNumber(rate)} msg/s with ${soak.churnClients} reconnecting clients`);

    const churnClients = users.slice(m.pairs * 2).map((user, i) => ({ key: `churn${i}`, url: server.url, userId: user.id, token: user.token }));
    await lg.send({ cmd: 'churn-start', spec: { clients: churnClients, holdMs: soak.holdMs, timeoutMs: 20_000 } });
    churning = true;

    const started = Date.now();
    const samples: SoakSample[] = [];
    const runs: RunRecord[] = [warmup, calibration];
    for (let window = 1; Date.now() - started < soak.minutes * 60_000; window++) {
      const record = await messagingRun(ctx, lg, running, connected, {
        label: 'soak',
        round: window,
        warmup: false,
        mode: 'open',
        ratePerSecond: rate,
        durationMs: soak.windowMs,
        skipStoredCheck: true,
        // Shedding is on, as deployed: a refusal on a disturbed machine is correct (and counted).
        refusalsExpected: true,
      });
      runs.push(record);
      const metric = (name: string) => record.metrics[name] ?? Number.NaN;
      const sample: SoakSample = {
        minute: (Date.now() - started) / 60_000,
        rssMiB: readRssBytes(server.pid) / 2 ** 20,
        heapUsedMiB: metric('heapUsedMiB'),
        heapAfterGcMiB: metric('heapAfterGcMiB'),
        eldP99Ms: metric('eldP99'),
        eldMaxMs: metric('eldMax'),
        activeResources: metric('activeResources'),
        openFds: openFds(server.pid),
        throughput: metric('throughput'),
        ackP99Ms: metric('ackP99'),
        refused: metric('refusedInWindow'),
      };
      samples.push(sample);
      ctx.log(
        `  soak minute ${sample.minute.toFixed(1)}: RSS ${formatNumber(sample.rssMiB)} MiB, heap after GC ${formatNumber(sample.heapAfterGcMiB)} MiB, ` +
          `ELD p99 ${formatNumber(sample.eldP99Ms)} ms, handles ${sample.activeResources}, fds ${sample.openFds}`,
      );
    }
    const churn = await lg.send({ cmd: 'churn-stop' });
    churning = false;
    await lg.send({ cmd: 'disconnect', keys: connected.keys });

    const acked = runs.reduce((sum, record) => sum + Number((record.correctness?.details as { acked?: number } | undefined)?.acked ?? 0), 0);
    const stored = countAllStored(dataDir);
    const chart = writeChart(ctx, samples, rate);
    return summarise({ samples, runs, churn, acked, stored, rate, capacity, chart, soak });
  } finally {
    if (churning) await lg.send({ cmd: 'churn-stop' }).catch(() => undefined);
    await undeploy(deployment);
    await redis?.stop();
  }
}

function writeChart(ctx: BenchContext, samples: SoakSample[], rate: number): string {
  const series = (name: string, color: string, pick: (sample: SoakSample) => number) => ({
    name,
    color,
    points: samples.filter((sample) => Number.isFinite(pick(sample))).map((sample) => [sample.minute, pick(sample)] as [number, number]),
  });
  const svg = renderChart(
    `Parley soak: ${formatNumber(rate)} msg/s (half capacity) with reconnecting clients`,
    [
      { title: 'Memory', unit: 'MiB', series: [series('RSS', '#1f77b4', (s) => s.rssMiB), series('heap used', '#ff7f0e', (s) => s.heapUsedMiB), series('heap after GC', '#2ca02c', (s) => s.heapAfterGcMiB)] },
      { title: 'Event-loop delay', unit: 'ms', series: [series('p99', '#1f77b4', (s) => s.eldP99Ms), series('max', '#d62728', (s) => s.eldMaxMs)] },
      { title: 'Handles', unit: 'count', series: [series('active handles', '#9467bd', (s) => s.activeResources), series('open fds', '#8c564b', (s) => s.openFds)] },
      { title: 'Messages', unit: 'msg/s and ms', series: [series('accepted msg/s', '#1f77b4', (s) => s.throughput), series('ack p99 ms', '#d62728', (s) => s.ackP99Ms)] },
    ],
    'min',
  );
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.mkdirSync(ctx.resultsDir, { recursive: true });
  const file = path.join(ctx.resultsDir, `soak-${stamp}.svg`);
  fs.writeFileSync(file, svg);
  fs.writeFileSync(file.replace(/\.svg$/, '.json'), `${JSON.stringify(samples, null, 2)}\n`);
  ctx.log(`  soak chart: ${path.relative(process.cwd(), file)}`);
  return file;
}

interface SoakOutcome {
  samples: SoakSample[];
  runs: RunRecord[];
  churn: { cycles: number; failures: number; firstError?: string };
  acked: number;
  stored: { rows: number; distinctClientMsgIds: number };
  rate: number;
  capacity: number;
  chart: string;
  soak: BenchContext['settings']['soak'];
}

function summarise({ samples, runs, churn, acked, stored, rate, capacity, chart, soak }: SoakOutcome): Omit<ScenarioResult, 'durationS'> {
  // The first minutes fill caches, pools and the JIT: trends are taken after them.
  const settled = samples.filter((sample) => sample.minute >= soak.settleMinutes);
  const trend = (pick: (sample: SoakSample) => number) => slope(settled.map((sample) => [sample.minute / 60, pick(sample)]));
  const first = (pick: (sample: SoakSample) => number) => (settled[0] ? [pick(settled[0])] : []);
  const last = (pick: (sample: SoakSample) => number) => (settled.at(-1) ? [pick(settled.at(-1) as SoakSample)] : []);
  const all = (pick: (sample: SoakSample) => number) => samples.map(pick).filter(Number.isFinite);
  const windowFailures = runs.filter((run) => !run.correctness?.ok);
  const storedOk = stored.rows === acked && stored.distinctClientMsgIds === stored.rows;
  const failures = [
    ...windowFailures.map((run) => `${run.label} ${run.round}: ${JSON.stringify(run.correctness?.details)}`),
    ...(storedOk ? [] : [`stored ${stored.rows} rows (${stored.distinctClientMsgIds} distinct) but ${acked} acknowledged`]),
    ...(churn.failures > 0 ? [`${churn.failures} reconnect cycles failed: ${churn.firstError ?? ''}`] : []),
  ];
  return {
    id: 'SOAK',
    title: `Soak: ${soak.minutes} min at half capacity with reconnecting clients`,
    config: { ...soak, rate, capacity, chart: path.basename(chart) },
    rows: [
      row({ metric: 'offered rate (half the measured capacity)', unit: 'msg/s', p: [rate] }),
      row({ metric: 'accepted rate per window', unit: 'msg/s', p: all((s) => s.throughput) }),
      row({ metric: 'ack latency p99 per window', unit: 'ms', p: all((s) => s.ackP99Ms) }),
      row({ metric: 'sends refused (overloaded) per window', unit: 'count', p: all((s) => s.refused) }),
      row({ metric: 'event-loop delay p99 per window', unit: 'ms', p: all((s) => s.eldP99Ms) }),
      row({ metric: `RSS after ${soak.settleMinutes} min`, unit: 'MiB', p: first((s) => s.rssMiB) }),
      row({ metric: 'RSS at the end', unit: 'MiB', p: last((s) => s.rssMiB) }),
      row({ metric: 'RSS trend', unit: 'MiB/hour', p: [trend((s) => s.rssMiB)] }),
      row({ metric: `heap after GC after ${soak.settleMinutes} min`, unit: 'MiB', p: first((s) => s.heapAfterGcMiB) }),
      row({ metric: 'heap after GC at the end', unit: 'MiB', p: last((s) => s.heapAfterGcMiB) }),
      row({ metric: 'heap after GC trend', unit: 'MiB/hour', p: [trend((s) => s.heapAfterGcMiB)] }),
      row({ metric: 'active handles per window', unit: 'count', p: all((s) => s.activeResources) }),
      row({ metric: 'open file descriptors per window', unit: 'count', p: all((s) => s.openFds) }),
      row({ metric: 'reconnect cycles (connect, sync, leave)', unit: 'count', p: [churn.cycles] }),
    ],
    runs,
    correctness: { ok: failures.length === 0, checkedRuns: runs.length, failures },
    notes: [
      `Every window checks acked = delivered = echoed, no duplicates; at the end the file holds ${stored.rows} messages for ${acked} acknowledged.`,
      `Median accepted rate ${formatNumber(median(all((s) => s.throughput)))} msg/s; ${churn.cycles} reconnect cycles, ${churn.failures} failed.`,
      'Trends are least-squares slopes over the samples after the settle time; heap after GC is measured by the probe after a full GC (--expose-gc).',
    ],
    extra: { samples },
  };
}
