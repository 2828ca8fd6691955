import { requestProbe, type ProbeReport } from '../lib/probe.js';
import { readCpuBusyMicros, readCpuMicrosSum } from '../lib/proc-stats.js';
import type { ServerSet } from './protocol.js';

export interface WindowMeasure {
  wallMs: number;
  serverCpuMicros: number;
  redisCpuMicros: number | null;
  loadgenCpuPct: number;
  /**
   * CPU used on the servers' core(s) by anything but the servers and Redis, in % of a core:
   * other processes on the machine (or kernel work not charged to a process). A high value
   * means the run shared its core and its numbers are less trustworthy.
   */
  foreignCpuPct: number | null;
  eventLoop: ProbeReport[];
}

/**
 * The measured window's edges: server and Redis CPU from /proc, this process's own CPU,
 * and one event-loop probe report per server covering exactly the window.
 */
export class MeasuredWindow {
  private startedAt = 0;
  private serverCpu = 0;
  private redisCpu = 0;
  private ownCpu: NodeJS.CpuUsage = process.cpuUsage();
  private probesReset: Promise<unknown> = Promise.resolve();
  private busy = new Map<string, number>();

  constructor(private readonly servers: ServerSet) {}

  start(): void {
    // Reset the probes first: their reports end the previous interval.
    this.probesReset = Promise.all(this.servers.probes.map((probe) => requestProbe(probe.pid, probe.file)));
    this.startedAt = performance.now();
    this.serverCpu = readCpuMicrosSum(this.servers.pids);
    this.redisCpu = this.servers.redisPid ? readCpuMicrosSum([this.servers.redisPid]) : 0;
    this.ownCpu = process.cpuUsage();
    this.busy = readCpuBusyMicros();
  }

  /** Takes the CPU figures at once; the probe reports follow. */
  async end(): Promise<WindowMeasure> {
    const wallMs = performance.now() - this.startedAt;
    const serverCpuMicros = readCpuMicrosSum(this.servers.pids) - this.serverCpu;
    const redisCpuMicros = this.servers.redisPid ? readCpuMicrosSum([this.servers.redisPid]) - this.redisCpu : null;
    const own = process.cpuUsage(this.ownCpu);
    const busy = readCpuBusyMicros();
    let foreignCpuPct: number | null = null;
    if (this.servers.cpus !== undefined) {
      const cores = this.servers.cpus.length > 0 ? this.servers.cpus.split(',') : ['all'];
      const coreBusy = cores.reduce((sum, core) => sum + ((busy.get(core) ?? 0) - (this.busy.get(core) ?? 0)), 0);
      const ours = serverCpuMicros + (redisCpuMicros ?? 0) + (cores[0] === 'all' ? own.user + own.system : 0);
      foreignCpuPct = (Math.max(0, coreBusy - ours) / 1000 / wallMs) * 100;
    }
    await this.probesReset.catch(() => undefined);
    const eventLoop = await Promise.all(this.servers.probes.map((probe) => requestProbe(probe.pid, probe.file)));
    return {
      wallMs,
      serverCpuMicros,
      redisCpuMicros,
      loadgenCpuPct: ((own.user + own.system) / 1000 / wallMs) * 100,
      foreignCpuPct,
      eventLoop,
    };
  }
}
