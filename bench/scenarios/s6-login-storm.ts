import type { BenchContext } from '../lib/context.js';
import { runBare } from '../lib/bare.js';
import { atLeast, atMost, formatNumber, row, values } from '../lib/report.js';
import { BENCH_PASSWORD, benchPasswordHash } from '../lib/seed.js';
import { connectPairs, correctnessOf, deploy, interleaved, messagingRun, planPairs, prepareUsers, undeploy, type Deployment } from './common.js';
import type { S2Summary } from './s2-latency.js';
import type { RunRecord, ScenarioResult } from './types.js';

interface ArgonResult {
  perSecond: number;
  threadPool: number;
}

/**
 * S6: a login storm (POST /auth/login, argon2id verify) while S2-style open-loop messaging
 * runs, against the bare argon2.verify rate of this machine with the same hash parameters.
 */
export async function runS6(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationS'>> {
  const m = ctx.settings.messaging;
  const s = ctx.settings;
  const lg = await ctx.loadGenerator();
  const { users, dataDir } = await prepareUsers(ctx, m.pairs * 2 + s.s6LoginUsers, 's6u');
  const plan = planPairs(users, m.pairs);
  const loginUsers = users.slice(m.pairs * 2).map((user) => ({ username: user.username, password: BENCH_PASSWORD }));
  const hash = await benchPasswordHash();
  const argonArgs = (durationMs: number) => [hash, BENCH_PASSWORD, String(s.s6LoginConcurrency), String(durationMs)];
  let p: Deployment | undefined;
  try {
    p = await deploy(ctx, 'P', { dataDir });
    const parley = p;
    const connected = await connectPairs(lg, p, plan, 's6P');
    const login = { url: p.servers[0]?.url ?? '', users: loginUsers, concurrency: s.s6LoginConcurrency };
    const rate = s.s6MessageRate;

    const labels = ['messages', 'messages+logins', ...(s.s6LoginsAlone ? ['logins'] : []), 'bare argon2'];
    const runs = await interleaved(ctx, labels, async (label, round, warmup): Promise<RunRecord[]> => {
      if (label === 'bare argon2') {
        if (warmup) return [];
        const bare = await runBare<ArgonResult>(ctx, 'bench/bare/argon2-verify.ts', argonArgs(s.s6DurationMs), { cpus: ctx.serverCpus });
        ctx.log(`  bare argon2.verify round ${round} (server core${ctx.serverCpus ? ` ${ctx.serverCpus}` : 's'}): ${formatNumber(bare.perSecond)}/s`);
        return [{ label, impl: 'bare', round, warmup, metrics: { perSecond: bare.perSecond } }];
      }
      const withMessages = label !== 'logins';
      const withLogins = label !== 'messages';
      return [
        await messagingRun(ctx, lg, parley, connected, {
          label,
          round,
          warmup,
          mode: 'open',
          ratePerSecond: withMessages ? rate : 0,
          durationMs: s.s6DurationMs,
          ...(withLogins ? { login } : {}),
        }),
      ];
    }, { warmupRounds: s.s6WarmupRounds });
    await lg.send({ cmd: 'disconnect', keys: connected.keys });

    // For information (full mode): the same verification spread over every core (not pinned).
    const unpinned = s.s6LoginsAlone
      ? await runBare<ArgonResult>(ctx, 'bench/bare/argon2-verify.ts', argonArgs(s.s6DurationMs), { cpus: '' })
      : undefined;
    if (unpinned) ctx.log(`  bare argon2.verify on all cores: ${formatNumber(unpinned.perSecond)}/s`);

    const v = (label: string, metric: string) => values(runs, label, metric);
    const rows: ScenarioResult['rows'] = [
      row({ metric: `logins/s during messaging @${formatNumber(rate)}/s`, unit: '1/s', p: v('messages+logins', 'loginPerSecond'), ref: v('bare argon2', 'perSecond'), refLabel: 'bare verify', target: atLeast(0.9, 'bare verify') }),
      ...(s.s6LoginsAlone
        ? [
            row({ metric: 'logins/s alone', unit: '1/s', p: v('logins', 'loginPerSecond'), ref: v('bare argon2', 'perSecond'), refLabel: 'bare verify' }),
            row({ metric: 'login latency p99 during messaging', unit: 'ms', p: v('messages+logins', 'loginP99'), ref: v('logins', 'loginP99'), refLabel: 'P logins alone' }),
          ]
        : []),
      row({ metric: 'message ack p99 with login storm', unit: 'ms', p: v('messages+logins', 'ackP99'), ref: v('messages', 'ackP99'), refLabel: 'P no storm', target: atMost(1.5, 'no storm') }),
      row({ metric: 'message delivery p99 with login storm', unit: 'ms', p: v('messages+logins', 'deliveryP99'), ref: v('messages', 'deliveryP99'), refLabel: 'P no storm', target: atMost(1.5, 'no storm') }),
      row({ metric: 'server event-loop delay p99 with login storm', unit: 'ms', p: v('messages+logins', 'eldP99'), ref: v('messages', 'eldP99'), refLabel: 'P no storm' }),
    ];
    const s2 = ctx.earlier.get('S2') as S2Summary | undefined;
    if (s2 && s2.fixedRate === rate) {
      rows.push(
        row({ metric: 'message ack p99 with login storm vs S2', unit: 'ms', p: v('messages+logins', 'ackP99'), ref: [s2.pAckP99], refLabel: 'P in S2', target: atMost(1.5, 'S2') }),
      );
    }
    return {
      id: 'S6',
      title: 'Login storm during messaging',
      config: { messageRate: rate, loginConcurrency: s.s6LoginConcurrency, loginUsers: s.s6LoginUsers, durationMs: s.s6DurationMs },
      rows,
      runs,
      correctness: correctnessOf(runs),
      notes: [
        `The bare rate is @node-rs/argon2 verify of a hash made by Parley's hashPassword (same parameters), ${s.s6LoginConcurrency} in flight on the default libuv pool (4 threads unless UV_THREADPOOL_SIZE), alone on the server's core; Parley hashes on threads of the lowest priority on that same core, so during messaging logins get what messages leave` +
          (unpinned ? `; unpinned on all cores it reaches ${formatNumber(unpinned.perSecond)}/s.` : '.'),
        'The "no storm" reference runs the same open-loop messaging in the same rounds, interleaved.',
      ],
      extra: { bareVerifyAllCoresPerSecond: unpinned?.perSecond ?? null },
    };
  } finally {
    await undeploy(p);
  }
}
