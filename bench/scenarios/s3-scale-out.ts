import type { BenchContext } from '../lib/context.js';
import { atMost, row, values } from '../lib/report.js';
import { startRedis, type RedisHandle } from '../lib/servers.js';
import type { RunRecord } from './types.js';
import { correctnessOf, deployAndConnectPairs, interleaved, messagingRun, undeployBoth, type Deployment } from './common.js';
import type { ScenarioResult } from './types.js';

/**
 * S3: 1, 2, 3 instances on one redis-server and one SQLite file; each sender on one
 * instance, its receiver on the next. CPU per message summed over every instance.
 */
export async function runS3(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationS'>> {
  const m = ctx.settings.messaging;
  const lg = await ctx.loadGenerator();
  let redis: RedisHandle | undefined;
  const runs: RunRecord[] = [];
  const rows: ScenarioResult['rows'] = [];
  const byInstances = new Map<number, RunRecord[]>();
  try {
    redis = await startRedis(ctx);
    for (const instances of ctx.settings.s3Instances) {
      ctx.log(`  S3 with ${instances} instance(s)`);
      let deployments: { P: Deployment; R: Deployment } | undefined;
      try {
        const setup = await deployAndConnectPairs(ctx, lg, `s3n${instances}`, { instances, redis });
        deployments = setup.deployments;
        const { connected } = setup;
        const both = setup.deployments;
        const levelRuns = await interleaved(ctx, ['P', 'R'], (label, round, warmup) =>
          messagingRun(ctx, lg, both[label as 'P' | 'R'], connected[label as 'P' | 'R'], {
            label: `${label} N=${instances}`,
            round,
            warmup,
            mode: 'open',
            ratePerSecond: ctx.settings.s3Rate,
          }),
        );
        await lg.send({ cmd: 'disconnect', keys: [...connected.P.keys, ...connected.R.keys] });
        byInstances.set(instances, levelRuns);
        runs.push(...levelRuns);
        const v = (label: string, metric: string) => values(levelRuns, `${label} N=${instances}`, metric);
        rows.push(
          row({ metric: `N=${instances}: server CPU per message (all instances)`, unit: 'µs', p: v('P', 'cpuPerMessageUs'), ref: v('R', 'cpuPerMessageUs') }),
          row({ metric: `N=${instances}: Redis CPU per message`, unit: 'µs', p: v('P', 'redisCpuPerMessageUs'), ref: v('R', 'redisCpuPerMessageUs') }),
          row({ metric: `N=${instances}: achieved rate`, unit: 'msg/s', p: v('P', 'throughput'), ref: v('R', 'throughput') }),
          row({ metric: `N=${instances}: ack latency p99`, unit: 'ms', p: v('P', 'ackP99'), ref: v('R', 'ackP99') }),
          row({ metric: `N=${instances}: delivery latency p99`, unit: 'ms', p: v('P', 'deliveryP99'), ref: v('R', 'deliveryP99') }),
        );
      } finally {
        await undeployBoth(deployments);
      }
    }
  } finally {
    await redis?.stop();
  }

  // Scale-out targets compare P with itself: cross-instance against one instance, and N against N-1.
  const counts = ctx.settings.s3Instances;
  const pCpu = (instances: number) => values(byInstances.get(instances) ?? [], `P N=${instances}`, 'cpuPerMessageUs');
  const single = counts[0] as number;
  for (const instances of counts.slice(1)) {
    rows.push(
      row({
        metric: `P CPU per message, N=${instances} (cross-instance) vs N=${single}`,
        unit: 'µs',
        p: pCpu(instances),
        ref: pCpu(single),
        refLabel: `P N=${single}`,
        target: atMost(1.5, `P N=${single}`),
      }),
    );
  }
  // The same ratios for the bare relay: how much of the cross-instance cost is Socket.IO, Redis and processes.
  const rCpu = (instances: number) => values(byInstances.get(instances) ?? [], `R N=${instances}`, 'cpuPerMessageUs');
  for (const instances of counts.slice(1)) {
    rows.push(
      row({
        metric: `R CPU per message, N=${instances} (cross-instance) vs N=${single} (information)`,
        unit: 'µs',
        p: rCpu(instances),
        ref: rCpu(single),
        refLabel: `R N=${single}`,
      }),
    );
  }
  for (let i = 2; i < counts.length; i++) {
    const previous = counts[i - 1] as number;
    const current = counts[i] as number;
    rows.push(
      row({
        metric: `P CPU per message flat as instances are added: N=${current} vs N=${previous}`,
        unit: 'µs',
        p: pCpu(current),
        ref: pCpu(previous),
        refLabel: `P N=${previous}`,
        target: atMost(1.15, `P N=${previous}`),
      }),
    );
  }
  return {
    id: 'S3',
    title: 'Scale-out: N instances, one Redis, one SQLite file, cross-instance pairs',
    config: { instances: counts, pairs: m.pairs, ratePerSecond: ctx.settings.s3Rate, durationMs: m.durationMs },
    rows,
    runs,
    correctness: correctnessOf(runs),
    notes: [
      `Open loop at ${ctx.settings.s3Rate} msg/s for every N (equal work, so CPU per message compares like with like; a closed loop makes CPU per message depend on the batching each configuration's own throughput allows).`,
      'All instances and redis-server share the server core: capacity does not grow with N here, CPU per message is the metric.',
      'N=1 uses the Redis adapter too, so the single-instance baseline is the same configuration with no cross-instance hop.',
      'The "R ... (information)" rows give the bare relay\'s own cross-instance ratios: the part of the cost that every Socket.IO deployment on Redis pays (a second process woken per message), as opposed to Parley\'s own.',
      '"Flat" is read as: CPU per message at N grows at most 15% over N-1.',
    ],
  };
}
