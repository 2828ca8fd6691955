import type { BenchContext } from '../lib/context.js';
import { atMost, row, values } from '../lib/report.js';
import { connectPairs, correctnessOf, deploy, interleaved, messagingRun, planPairs, prepareUsers, undeploy, type Deployment } from './common.js';
import type { ScenarioResult } from './types.js';

/**
 * S10: what Prometheus metrics cost on the hot path. S1's closed loop against two Parley instances
 * on the same data, one with METRICS=on (the default) and one with METRICS=off, interleaved. The
 * target (issue 16): CPU per message with metrics at most 3% above without.
 */
export async function runS10(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationS'>> {
  const m = ctx.settings.messaging;
  const lg = await ctx.loadGenerator();
  const deployments: Partial<Record<'on' | 'off', Deployment>> = {};
  try {
    const { users, dataDir } = await prepareUsers(ctx, m.pairs * 2, 's10u');
    const plan = planPairs(users, m.pairs, 1);
    deployments.on = await deploy(ctx, 'P', { dataDir, env: { METRICS: 'on' } });
    deployments.off = await deploy(ctx, 'P', { dataDir, env: { METRICS: 'off' } });
    const both = { on: deployments.on, off: deployments.off };
    const connected = { on: await connectPairs(lg, both.on, plan, 's10on'), off: await connectPairs(lg, both.off, plan, 's10off') };
    const runs = await interleaved(ctx, ['on', 'off'], (label, round, warmup) =>
      messagingRun(ctx, lg, both[label as 'on' | 'off'], connected[label as 'on' | 'off'], { label, round, warmup, mode: 'closed' }),
    );
    await lg.send({ cmd: 'disconnect', keys: [...connected.on.keys, ...connected.off.keys] });
    const v = (label: string, metric: string) => values(runs, label, metric);
    const against = { refLabel: 'metrics off' };
    return {
      id: 'S10',
      title: 'Metrics cost: S1 with METRICS=on against METRICS=off',
      config: { pairs: m.pairs, inFlightPerSender: m.inFlightPerSender, messageChars: m.messageChars, durationMs: m.durationMs },
      rows: [
        row({ metric: 'server CPU per message', unit: 'µs', p: v('on', 'cpuPerMessageUs'), ref: v('off', 'cpuPerMessageUs'), ...against, target: atMost(1.03) }),
        row({ metric: 'throughput', unit: 'msg/s', p: v('on', 'throughput'), ref: v('off', 'throughput'), ...against }),
        row({ metric: 'ack latency p99', unit: 'ms', p: v('on', 'ackP99'), ref: v('off', 'ackP99'), ...against }),
      ],
      runs,
      correctness: correctnessOf(runs),
      notes: ['P is Parley with METRICS=on (every request, socket event, send and store call measured); the reference is the same build with METRICS=off.'],
    };
  } finally {
    await undeploy(deployments.on);
    await undeploy(deployments.off);
  }
}
