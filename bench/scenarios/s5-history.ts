import type { BenchContext } from '../lib/context.js';
import { runBare } from '../lib/bare.js';
import { atLeast, atMost, formatNumber, row, values } from '../lib/report.js';
import { databaseFile, explainQueryPlan, historyQuerySql, seedConversation } from '../lib/seed.js';
import { startParley, type ServerHandle } from '../lib/servers.js';
import type { LatencySummary } from '../lib/histogram.js';
import { correctnessOf, foreignWarning, interleaved, prepareUsers, serverSet } from './common.js';
import type { RunRecord, ScenarioResult } from './types.js';

const PAGE = 50;

/**
 * S5: GET /chats/:u/with/:v?limit=50 (the newest page) with 10k, 100k, 1M messages in the
 * conversation, against the same SELECT run bare with better-sqlite3. The file is seeded
 * while the server is stopped.
 */
export async function runS5(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationS'>> {
  const sizes = ctx.settings.s5Sizes;
  const lg = await ctx.loadGenerator();
  const { users, dataDir } = await prepareUsers(ctx, 2, 's5u');
  const [u, v] = users as [(typeof users)[0], (typeof users)[0]];
  const conversationId = u.id < v.id ? `dm:${u.id}:${v.id}` : `dm:${v.id}:${u.id}`;
  const { sql, source } = historyQuerySql();
  const plans: Record<string, string[]> = {};
  const runs: RunRecord[] = [];
  const rows: ScenarioResult['rows'] = [];
  let seeded = 0;

  for (const size of sizes) {
    const seedStarted = Date.now();
    seedConversation(dataDir, u.id, v.id, size - seeded);
    seeded = size;
    ctx.log(`  S5 seeded ${formatNumber(size)} messages in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
    plans[String(size)] = explainQueryPlan(dataDir, sql, [conversationId, Number.MAX_SAFE_INTEGER, PAGE + 1]);
    let server: ServerHandle | undefined;
    try {
      server = await startParley(ctx, { dataDir });
      const parley = server;
      const sizeRuns = await interleaved(ctx, ['P', 'bare'], async (label, round, warmup): Promise<RunRecord[]> => {
        const durationMs = warmup ? ctx.settings.warmupDurationMs : ctx.settings.s5DurationMs;
        if (label === 'bare') {
          if (warmup) return [];
          const bare = await runBare<{ perSecond: number; rows: number; latency: LatencySummary }>(
            ctx,
            'bench/bare/store-query.ts',
            [databaseFile(dataDir), conversationId, String(PAGE + 1), String(durationMs), sql],
            { cpus: ctx.serverCpus },
          );
          ctx.log(`  bare query @${formatNumber(size)} round ${round}: ${formatNumber(bare.perSecond)} queries/s, p99 ${formatNumber(bare.latency.p99)} ms`);
          return [
            {
              label: `bare@${size}`,
              impl: 'bare',
              round,
              warmup,
              metrics: { perSecond: bare.perSecond, p50: bare.latency.p50, p99: bare.latency.p99 },
              correctness: { ok: bare.rows === Math.min(size, PAGE + 1), details: { rows: bare.rows } },
            },
          ];
        }
        const result = await lg.send({
          cmd: 'history',
          spec: {
            url: parley.url,
            path: `/chats/${u.id}/with/${v.id}?limit=${PAGE}`,
            token: u.token,
            concurrency: ctx.settings.s5Concurrency,
            rampMs: ctx.settings.messaging.rampMs,
            durationMs,
            servers: serverSet(ctx, { impl: 'P', servers: [parley], dataDir }),
          },
        });
        ctx.log(
          `  P @${formatNumber(size)} ${warmup ? 'warm-up' : `round ${round}`}: ${formatNumber(result.perSecond)} req/s, ` +
            `${formatNumber(result.cpuPerRequestUs)} µs CPU/req, p50 ${formatNumber(result.latency.p50)} ms, p99 ${formatNumber(result.latency.p99)} ms` +
            (result.failed > 0 ? `, ${result.failed} FAILED: ${result.firstFailure ?? ''}` : '') +
            foreignWarning(result.foreignCpuPct),
        );
        return [
          {
            label: `P@${size}`,
            impl: 'P',
            round,
            warmup,
            metrics: {
              perSecond: result.perSecond,
              p50: result.latency.p50,
              p99: result.latency.p99,
              max: result.latency.max,
              cpuPerRequestUs: result.cpuPerRequestUs,
              loadgenCpuPct: result.loadgenCpuPct,
              foreignCpuPct: result.foreignCpuPct,
            },
            correctness: {
              ok: result.failed === 0 && result.firstPageSize === Math.min(size, PAGE),
              details: { failed: result.failed, firstPageSize: result.firstPageSize, firstFailure: result.firstFailure },
            },
          },
        ];
      });
      runs.push(...sizeRuns);
      const p = (metric: string) => values(sizeRuns, `P@${size}`, metric);
      const bare = (metric: string) => values(sizeRuns, `bare@${size}`, metric);
      rows.push(
        row({ metric: `${formatNumber(size)} msgs: history p99`, unit: 'ms', p: p('p99'), ref: bare('p99'), refLabel: 'bare query' }),
        row({ metric: `${formatNumber(size)} msgs: history p50`, unit: 'ms', p: p('p50'), ref: bare('p50'), refLabel: 'bare query' }),
        row({ metric: `${formatNumber(size)} msgs: throughput`, unit: 'req/s', p: p('perSecond'), ref: bare('perSecond'), refLabel: 'bare query', target: atLeast(0.6, 'bare query') }),
        row({ metric: `${formatNumber(size)} msgs: server CPU per request`, unit: 'µs', p: p('cpuPerRequestUs') }),
      );
    } finally {
      await server?.stop();
    }
  }
  const smallest = sizes[0] as number;
  const largest = sizes.at(-1) as number;
  if (largest !== smallest) {
    rows.push(
      row({
        metric: `P history p99 at ${formatNumber(largest)} vs ${formatNumber(smallest)} msgs`,
        unit: 'ms',
        p: values(runs, `P@${largest}`, 'p99'),
        ref: values(runs, `P@${smallest}`, 'p99'),
        refLabel: `P @${formatNumber(smallest)}`,
        target: atMost(1.5, `P @${formatNumber(smallest)}`),
      }),
    );
  }
  return {
    id: 'S5',
    title: 'History page (limit=50) over a growing conversation',
    config: { sizes, pageSize: PAGE, concurrency: ctx.settings.s5Concurrency, durationMs: ctx.settings.s5DurationMs },
    rows,
    runs,
    correctness: correctnessOf(runs),
    notes: [
      `The bare query is the same SELECT (${source}) with the same parameters (limit ${PAGE + 1}), run in a loop in one process pinned to the server core.`,
      `HTTP load: ${ctx.settings.s5Concurrency} keep-alive connections in a closed loop, each request with a Bearer token.`,
    ],
    extra: { historyQuery: sql, historyQuerySource: source, explainQueryPlan: plans },
  };
}
