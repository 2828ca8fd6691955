import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** What bench/event-loop-probe.mjs writes (times in ms, memory in bytes). */
export interface ProbeReport {
  seq: number;
  pid: number;
  at: number;
  eld: { count: number; min: number | null; mean: number | null; p50: number | null; p90: number | null; p99: number | null; max: number | null };
  memory: NodeJS.MemoryUsage;
  afterGc?: NodeJS.MemoryUsage;
  /** Active handles and requests by type (process.getActiveResourcesInfo()). */
  resources?: Record<string, number>;
}

function readReport(file: string): ProbeReport | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ProbeReport;
  } catch {
    return undefined;
  }
}

/**
 * Asks a probed process for a report (SIGUSR2) and waits for it. The report covers the time
 * since the previous one, and the histogram restarts: call it at the start of a window too.
 */
export async function requestProbe(pid: number, file: string, timeoutMs = 15_000): Promise<ProbeReport> {
  const previous = readReport(file)?.seq ?? 0;
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = readReport(file);
    if (report && report.seq > previous) return report;
    if (Date.now() > deadline) throw new Error(`event-loop probe of pid ${pid} did not answer within ${timeoutMs} ms`);
    await sleep(5);
  }
}
