import path from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { seedUsers } from '../lib/seed.js';
import { atMost, row, values } from '../lib/report.js';
import { connectPairs, correctnessOf, deploy, interleaved, messagingRun, planPairs, prepareUsers, undeploy, type Deployment } from './common.js';
import type { ScenarioResult } from './types.js';

type Label = 'on' | 'off';

/**
 * S10: what Prometheus metrics cost on the hot path. S1's pairs against two Parley instances, each
 * on its own copy of the same users, one with METRICS=on (the default) and one with METRICS=off,
 * rounds interleaved with the order alternated. The target (issue 16): CPU per message with metrics
 * at most 3% above without, compared at the same offered rate. In S1's closed loop the CPU per
 * message depends on the throughput itself (fewer messages per commit and per write at a lower
 * rate), so a small slowdown shows up several times over; that loop is reported for information.
 */
export async function runS10(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationS'>> {
  const m = ctx.settings.messaging;
  const { rounds, ratePerSecond } = ctx.settings.s10;
  const lg = await ctx.loadGenerator();
  const deployments: Partial<Record<Label, Deployment>> = {};
  try {
    const { users, dataDir } = await prepareUsers(ctx, m.pairs * 2, 's10u');
    // A data folder each: on a shared SQLite file one instance's checkpoint thread copies both
    // instances' WAL pages, and its CPU time lands on that instance (measured: 14 s against 2 s).
    const offDataDir = path.join(ctx.runDir, ctx.nextName('data'));
    await seedUsers(offDataDir, users);
    const plan = planPairs(users, m.pairs, 1);
    deployments.on = await deploy(ctx, 'P', { dataDir, env: { METRICS: 'on' } });
    deployments.off = await deploy(ctx, 'P', { dataDir: offDataDir, env: { METRICS: 'off' } });
    const both = { on: deployments.on, off: deployments.off };
    const connected = { on: await connectPairs(lg, both.on, plan, 's10on'), off: await connectPairs(lg, both.off, plan, 's10off') };
    const options = { rounds, alternate: true };
    const fixedRate = await interleaved(
      ctx,
      ['on', 'off'],
      (label, round, warmup) =>
        messagingRun(ctx, lg, both[label as Label], connected[label as Label], { label, round, warmup, mode: 'open', ratePerSecond }),
      options,
    );
    const closedLoop = await interleaved(
      ctx,
      ['on', 'off'],
      (label, round, warmup) => messagingRun(ctx, lg, both[label as Label], connected[label as Label], { label, round, warmup, mode: 'closed' }),
      { ...options, warmupRounds: 0 },
    );
    await lg.send({ cmd: 'disconnect', keys: [...connected.on.keys, ...connected.off.keys] });
    const atRate = (label: string, metric: string) => values(fixedRate, label, metric);
    const closed = (label: string, metric: string) => values(closedLoop, label, metric);
    const against = { refLabel: 'metrics off' };
    return {
      id: 'S10',
      title: 'Metrics cost: S1 with METRICS=on against METRICS=off',
      config: { rounds, ratePerSecond, pairs: m.pairs, inFlightPerSender: m.inFlightPerSender, messageChars: m.messageChars, durationMs: m.durationMs },
      rows: [
        row({ metric: `server CPU per message at ${ratePerSecond}/s`, unit: 'µs', p: atRate('on', 'cpuPerMessageUs'), ref: atRate('off', 'cpuPerMessageUs'), ...against, target: atMost(1.03) }),
        row({ metric: `ack latency p99 at ${ratePerSecond}/s`, unit: 'ms', p: atRate('on', 'ackP99'), ref: atRate('off', 'ackP99'), ...against }),
        row({ metric: 'closed loop: server CPU per message', unit: 'µs', p: closed('on', 'cpuPerMessageUs'), ref: closed('off', 'cpuPerMessageUs'), ...against }),
        row({ metric: 'closed loop: throughput', unit: 'msg/s', p: closed('on', 'throughput'), ref: closed('off', 'throughput'), ...against }),
      ],
      runs: [...fixedRate.map((run) => ({ ...run, label: `${run.label}@${ratePerSecond}` })), ...closedLoop.map((run) => ({ ...run, label: `${run.label} closed` }))],
      correctness: correctnessOf([...fixedRate, ...closedLoop]),
      notes: [
        'P is Parley with METRICS=on (every request, socket event, send and store call measured); the reference is the same build with METRICS=off, on its own copy of the data.',
        'The target compares CPU per message at one offered rate: in the closed loop a slower instance commits and writes fewer messages at a time, which raises its CPU per message beyond the instrumentation itself.',
      ],
    };
  } finally {
    await undeploy(deployments.on);
    await undeploy(deployments.off);
  }
}
