import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from '../lib/context.js';
import { requestProbe } from '../lib/probe.js';
import { hardFileLimit } from '../lib/processes.js';
import { readRssBytes, startCpuWindow } from '../lib/proc-stats.js';
import { atLeast, atMost, formatNumber, row, values } from '../lib/report.js';
import { startServer, type Impl, type ServerHandle } from '../lib/servers.js';
import type { ClientSpec } from '../load/protocol.js';
import { correctnessOf, interleaved, prepareUsers, tokenFor } from './common.js';
import type { RunRecord, ScenarioResult } from './types.js';

/** File descriptors a server or the load generator needs besides the sockets. */
const FD_RESERVE = 500;
/** Source addresses the sockets are spread over (each has its own ephemeral port range). */
const SOURCE_ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);

const MB = 1024 * 1024;
/** Sockets opened and closed before the baseline, so handshakes are measured with a warm JIT. */
const WARMUP_SOCKETS = 300;

async function gcProbe(server: ServerHandle): Promise<{ rss: number; heapUsed: number }> {
  const report = await requestProbe(server.pid, server.probeFile, 60_000);
  // VmRSS read right after the probe's full GC.
  return { rss: readRssBytes(server.pid), heapUsed: (report.afterGc ?? report.memory).heapUsed };
}

/**
 * S4: authenticated idle sockets, added level by level to one fresh server per run:
 * memory per connection (RSS after a full GC), handshakes per second, and memory after
 * everyone disconnects.
 */
export async function runS4(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationS'>> {
  const limit = hardFileLimit() - FD_RESERVE;
  const levels = [...new Set(ctx.settings.s4Levels.map((level) => Math.min(level, limit)))];
  const notes: string[] = [];
  if (levels.some((level, i) => level !== ctx.settings.s4Levels[i])) {
    notes.push(
      `The hard open-file limit here is ${hardFileLimit()} and cannot be raised (no CAP_SYS_RESOURCE), so the top level is clamped to ${formatNumber(limit)} sockets (limit - ${FD_RESERVE}).`,
    );
  }
  const maxLevel = Math.max(...levels);
  const lg = await ctx.loadGenerator();
  const { users, dataDir } = await prepareUsers(ctx, maxLevel, 's4u');

  const runOne = async (impl: Impl, round: number, warmup: boolean): Promise<RunRecord> => {
    const runLevels = warmup ? levels.slice(0, 1) : levels;
    const server = await startServer(ctx, impl, { dataDir, exposeGc: true });
    const tag = ctx.nextName(`s4${impl}`);
    const clients: ClientSpec[] = users.slice(0, Math.max(...runLevels)).map((user, i) => ({
      key: `${tag}:${i}`,
      url: server.url,
      userId: user.id,
      token: tokenFor(impl, user),
      localAddress: SOURCE_ADDRESSES[i % SOURCE_ADDRESSES.length] as string,
    }));
    const metrics: Record<string, number | null> = {};
    const details: Record<string, unknown> = {};
    let ok = true;
    try {
      // Warm the handshake path up (JIT), then measure from a steady baseline.
      const warmupKeys = clients.slice(0, WARMUP_SOCKETS).map((client) => ({ ...client, key: `${client.key}:w` }));
      const warm = await lg.send({ cmd: 'connect', clients: warmupKeys, concurrency: ctx.settings.s4ConnectConcurrency, timeoutMs: 30_000 });
      if (warm.failed > 0) throw new Error(`${impl}: warm-up sockets failed: ${warm.firstError ?? ''}`);
      await lg.send({ cmd: 'disconnect', keys: warmupKeys.map((client) => client.key) });
      await sleep(ctx.settings.s4SettleMs * 2);
      const base = await gcProbe(server);
      metrics['baselineRssMB'] = base.rss / MB;
      metrics['baselineHeapMB'] = base.heapUsed / MB;
      let connected = 0;
      let peak = base;
      for (const level of runLevels) {
        const cpu = startCpuWindow([server.pid]);
        const result = await lg.send({
          cmd: 'connect',
          clients: clients.slice(connected, level),
          concurrency: ctx.settings.s4ConnectConcurrency,
          timeoutMs: 30_000,
        });
        const window = cpu();
        connected += result.connected;
        if (result.failed > 0) {
          ok = false;
          details[`failedAt${level}`] = `${result.failed} failed: ${result.firstError ?? ''}`;
        }
        await sleep(ctx.settings.s4SettleMs);
        peak = await gcProbe(server);
        metrics[`handshakesPerSecond@${level}`] = result.perSecond;
        metrics[`cpuPerHandshakeUs@${level}`] = result.connected > 0 ? window.cpuMicros / result.connected : null;
        metrics[`loadgenCpuPct@${level}`] = result.loadgenCpuPct;
        metrics[`rssPerConnectionKB@${level}`] = (peak.rss - base.rss) / connected / 1024;
        metrics[`heapPerConnectionKB@${level}`] = (peak.heapUsed - base.heapUsed) / connected / 1024;
        ctx.log(
          `  ${impl} ${warmup ? 'warm-up' : `round ${round}`} ${formatNumber(connected)} sockets: ` +
            `${formatNumber(result.perSecond)} handshakes/s (${formatNumber(metrics[`cpuPerHandshakeUs@${level}`])} µs CPU each, loadgen ${formatNumber(result.loadgenCpuPct)}%), ` +
            `RSS ${formatNumber(peak.rss / MB)} MB = ${formatNumber(metrics[`rssPerConnectionKB@${level}`])} KB/socket, heap ${formatNumber(metrics[`heapPerConnectionKB@${level}`])} KB/socket` +
            (result.failed > 0 ? `, ${result.failed} FAILED: ${result.firstError ?? ''}` : ''),
        );
      }
      const keys = clients.slice(0, connected).map((client) => client.key);
      await lg.send({ cmd: 'disconnect', keys });
      await sleep(ctx.settings.s4SettleMs * 3 + connected / 10);
      const after = await gcProbe(server);
      metrics['peakHeapGrowthMB'] = (peak.heapUsed - base.heapUsed) / MB;
      metrics['heapRetainedMB'] = (after.heapUsed - base.heapUsed) / MB;
      metrics['peakRssGrowthMB'] = (peak.rss - base.rss) / MB;
      metrics['rssRetainedMB'] = (after.rss - base.rss) / MB;
      details['connected'] = connected;
      details['requested'] = Math.max(...runLevels);
      ok = ok && connected === Math.max(...runLevels);
      ctx.log(
        `  ${impl} after disconnect: heap ${formatNumber(after.heapUsed / MB)} MB (baseline ${formatNumber(base.heapUsed / MB)}, peak ${formatNumber(peak.heapUsed / MB)}), ` +
          `RSS ${formatNumber(after.rss / MB)} MB (baseline ${formatNumber(base.rss / MB)}, peak ${formatNumber(peak.rss / MB)})`,
      );
    } finally {
      await server.stop();
    }
    return { label: impl, impl, round, warmup, metrics, correctness: { ok, details } };
  };

  const runs = await interleaved(ctx, ['P', 'R'], (label, round, warmup) => runOne(label as Impl, round, warmup), { warmupRounds: ctx.settings.s4WarmupRounds });
  const v = (label: string, metric: string) => values(runs, label, metric);
  const rows: ScenarioResult['rows'] = [];
  for (const level of levels) {
    rows.push(
      row({ metric: `${formatNumber(level)} sockets: memory per connection (RSS)`, unit: 'KB', p: v('P', `rssPerConnectionKB@${level}`), ref: v('R', `rssPerConnectionKB@${level}`), target: atMost(1.3) }),
      row({ metric: `${formatNumber(level)} sockets: handshakes per second`, unit: '1/s', p: v('P', `handshakesPerSecond@${level}`), ref: v('R', `handshakesPerSecond@${level}`), target: atLeast(0.5) }),
      row({ metric: `${formatNumber(level)} sockets: server CPU per handshake`, unit: 'µs', p: v('P', `cpuPerHandshakeUs@${level}`), ref: v('R', `cpuPerHandshakeUs@${level}`) }),
      row({ metric: `${formatNumber(level)} sockets: heap per connection`, unit: 'KB', p: v('P', `heapPerConnectionKB@${level}`), ref: v('R', `heapPerConnectionKB@${level}`) }),
    );
  }
  if (levels.length > 1) {
    const smallest = levels[0] as number;
    // Linearity is judged on the heap: RSS per connection at small counts is flattered by
    // memory the process had already reserved, so RSS is shown for information only.
    rows.push(
      row({
        metric: `P heap per connection flat (linear): ${formatNumber(maxLevel)} vs ${formatNumber(smallest)} sockets`,
        unit: 'KB',
        p: v('P', `heapPerConnectionKB@${maxLevel}`),
        ref: v('P', `heapPerConnectionKB@${smallest}`),
        refLabel: `P @${formatNumber(smallest)}`,
        target: atMost(1.3, `P @${formatNumber(smallest)}`),
      }),
      row({
        metric: `P RSS per connection: ${formatNumber(maxLevel)} vs ${formatNumber(smallest)} sockets`,
        unit: 'KB',
        p: v('P', `rssPerConnectionKB@${maxLevel}`),
        ref: v('P', `rssPerConnectionKB@${smallest}`),
        refLabel: `P @${formatNumber(smallest)}`,
      }),
    );
  }
  rows.push(
    row({ metric: 'heap retained after all disconnect (vs baseline)', unit: 'MB', p: v('P', 'heapRetainedMB'), ref: v('R', 'heapRetainedMB') }),
    row({
      metric: 'P heap retained after disconnect vs its peak growth',
      unit: 'MB',
      p: v('P', 'heapRetainedMB'),
      ref: v('P', 'peakHeapGrowthMB'),
      refLabel: 'P peak growth',
      target: atMost(0.1, 'peak growth'),
    }),
    row({ metric: 'RSS retained after all disconnect (vs baseline)', unit: 'MB', p: v('P', 'rssRetainedMB'), ref: v('R', 'rssRetainedMB') }),
  );
  return {
    id: 'S4',
    title: 'Idle authenticated connections',
    config: { levels, connectConcurrency: ctx.settings.s4ConnectConcurrency, sourceAddresses: SOURCE_ADDRESSES, transport: 'websocket' },
    rows,
    runs,
    correctness: correctnessOf(runs),
    notes: [
      ...notes,
      'Each run starts a fresh server with --expose-gc; memory is read from /proc/<pid>/status (VmRSS) right after a full GC triggered through the probe (SIGUSR2), heap from process.memoryUsage() after that GC.',
      `Sockets connect with the websocket transport only, ${ctx.settings.s4ConnectConcurrency} handshakes in flight, from 8 loopback source addresses; ${WARMUP_SOCKETS} sockets connect and leave before the baseline is taken (warm JIT).`,
    ],
  };
}
