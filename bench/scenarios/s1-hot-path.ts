import type { BenchContext } from '../lib/context.js';
import { atLeast, atMost, row, values } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { correctnessOf, deployAndConnectPairs, interleaved, messagingRun, undeployBoth, type Deployment } from './common.js';
import type { ScenarioResult } from './types.js';

export interface S1Summary {
  /** Median closed-loop throughput of the relay, msgs/s: S2's capacity reference. */
  rThroughput: number;
  pThroughput: number;
}

/** S1: the hot path on one instance with SQLite, closed loop, P and R interleaved. */
export async function runS1(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationS'>> {
  const m = ctx.settings.messaging;
  const lg = await ctx.loadGenerator();
  let deployments: { P: Deployment; R: Deployment } | undefined;
  try {
    const setup = await deployAndConnectPairs(ctx, lg, 's1');
    deployments = setup.deployments;
    const { connected } = setup;
    const both = setup.deployments;
    const runs = await interleaved(ctx, ['P', 'R'], (label, round, warmup) =>
      messagingRun(ctx, lg, both[label as 'P' | 'R'], connected[label as 'P' | 'R'], { label, round, warmup, mode: 'closed' }),
    );
    await lg.send({ cmd: 'disconnect', keys: [...connected.P.keys, ...connected.R.keys] });

    const v = (label: string, metric: string) => values(runs, label, metric);
    const summary: S1Summary = { rThroughput: median(v('R', 'throughput')), pThroughput: median(v('P', 'throughput')) };
    ctx.earlier.set('S1', summary);
    return {
      id: 'S1',
      title: 'Hot path: one instance, SQLite, closed loop',
      config: { pairs: m.pairs, inFlightPerSender: m.inFlightPerSender, messageChars: m.messageChars, durationMs: m.durationMs },
      rows: [
        row({ metric: 'server CPU per message', unit: 'µs', p: v('P', 'cpuPerMessageUs'), ref: v('R', 'cpuPerMessageUs'), target: atMost(1.4) }),
        row({ metric: 'throughput', unit: 'msg/s', p: v('P', 'throughput'), ref: v('R', 'throughput'), target: atLeast(0.7) }),
        row({ metric: 'ack latency p50', unit: 'ms', p: v('P', 'ackP50'), ref: v('R', 'ackP50') }),
        row({ metric: 'ack latency p99', unit: 'ms', p: v('P', 'ackP99'), ref: v('R', 'ackP99') }),
        row({ metric: 'delivery latency p99', unit: 'ms', p: v('P', 'deliveryP99'), ref: v('R', 'deliveryP99') }),
        row({ metric: 'server event-loop delay p99', unit: 'ms', p: v('P', 'eldP99'), ref: v('R', 'eldP99') }),
        row({ metric: 'load generator CPU', unit: '% of a core', p: v('P', 'loadgenCpuPct'), ref: v('R', 'loadgenCpuPct') }),
      ],
      runs,
      correctness: correctnessOf(runs),
      notes: [
        'Closed loop: each sender keeps inFlightPerSender messages not yet both acknowledged and delivered; throughput is bounded by the server core or, when its CPU is near 100%, by the load generator core.',
      ],
    };
  } finally {
    await undeployBoth(deployments);
  }
}
