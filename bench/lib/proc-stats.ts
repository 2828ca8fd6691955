import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second (`getconf CLK_TCK`), the unit of utime and stime in /proc/<pid>/stat. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a whole process (every thread), in microseconds. */
export function readCpuMicros(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: fields after it start at state (field 3).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / clockTicksPerSecond();
}

/** Sum of readCpuMicros over several processes; a process that is gone counts as 0. */
export function readCpuMicrosSum(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += readCpuMicros(pid);
    } catch {
      // exited
    }
  }
  return total;
}

/** Resident set size (VmRSS from /proc/<pid>/status), in bytes. */
export function readRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface CpuWindow {
  /** CPU of the processes over the window, in microseconds. */
  cpuMicros: number;
  wallMs: number;
}

/** Start a CPU measurement over some processes; call the result to end it. */
export function startCpuWindow(pids: number[]): () => CpuWindow {
  const before = readCpuMicrosSum(pids);
  const started = performance.now();
  return () => ({ cpuMicros: readCpuMicrosSum(pids) - before, wallMs: performance.now() - started });
}

/** Busy time (user + nice + system + steal) of each CPU from /proc/stat, in microseconds. */
export function readCpuBusyMicros(): Map<string, number> {
  const busy = new Map<string, number>();
  for (const line of fs.readFileSync('/proc/stat', 'utf8').split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const [name, user, nice, system, , , , , steal] = line.trim().split(/\s+/);
    if (!name) continue;
    const ticks = Number(user) + Number(nice) + Number(system) + Number(steal ?? 0);
    busy.set(name === 'cpu' ? 'all' : name.slice(3), (ticks * 1_000_000) / clockTicksPerSecond());
  }
  return busy;
}
