import { execFileSync, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

let tasksetAvailable: boolean | undefined;

/** Whether `taskset` exists and may set affinity here. */
export function hasTaskset(): boolean {
  if (tasksetAvailable === undefined) {
    try {
      execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
      tasksetAvailable = true;
    } catch {
      tasksetAvailable = false;
    }
  }
  return tasksetAvailable;
}

/** Pins an already running process (e.g. the orchestrator itself) to some CPUs; false if impossible. */
export function pinProcess(pid: number, cpus: string): boolean {
  if (!hasTaskset()) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The hard limit on open files: sockets per process cannot exceed it. */
export function hardFileLimit(): number {
  try {
    return Number(execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  /** taskset -c CPUS, when taskset is available. */
  cpus?: string;
  /** Where stdout and stderr go. */
  logFile: string;
  ipc?: boolean;
  cwd?: string;
}

export interface Managed {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  running(): boolean;
  /** SIGTERM, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
  logTail(lines?: number): string;
}

/**
 * Every process the benchmark starts, so that all of them are stopped at the end, on
 * failure and on SIGINT alike. Commands run as `bash -c 'ulimit -n <hard>; exec taskset -c
 * CPUS cmd...'`: the exec chain keeps one pid, the one /proc is read for.
 */
export class ProcessRegistry {
  private readonly processes = new Set<Managed>();
  readonly startedPids: number[] = [];

  start(options: StartOptions): Managed {
    const wrapped = options.cpus && hasTaskset() ? ['taskset', '-c', options.cpus, options.command, ...options.args] : [options.command, ...options.args];
    const logFd = fs.openSync(options.logFile, 'a');
    const stdio: StdioOptions = options.ipc ? ['ignore', logFd, logFd, 'ipc'] : ['ignore', logFd, logFd];
    const child = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bench', ...wrapped], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...options.env },
      stdio,
      ...(options.ipc ? { serialization: 'advanced' as const } : {}),
    });
    fs.closeSync(logFd);
    if (child.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
    const pid = child.pid;
    this.startedPids.push(pid);
    const exited = new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
    const managed: Managed = {
      name: options.name,
      pid,
      child,
      logFile: options.logFile,
      exited,
      running: () => child.exitCode === null && child.signalCode === null,
      stop: async (graceMs = 5000) => {
        if (managed.running()) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => {
            if (managed.running()) child.kill('SIGKILL');
          }, graceMs);
          await exited;
          clearTimeout(timer);
        }
        this.processes.delete(managed);
      },
      logTail: (lines = 20) => {
        try {
          return fs.readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
        } catch {
          return '';
        }
      },
    };
    this.processes.add(managed);
    return managed;
  }

  async stopAll(graceMs = 5000): Promise<void> {
    await Promise.all([...this.processes].map((managed) => managed.stop(graceMs)));
  }

  /** Last resort at exit: synchronous SIGKILL of anything still running. */
  killAllNow(): void {
    for (const managed of this.processes) {
      if (managed.running()) {
        try {
          managed.child.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}

/** Polls a URL until it answers 2xx; fails early if the process exits. */
export async function waitForHttp(url: string, managed: Managed, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!managed.running()) throw new Error(`${managed.name} exited during start-up:\n${managed.logTail(30)}`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${managed.name} did not answer ${url} within ${timeoutMs} ms:\n${managed.logTail(30)}`);
    await sleep(50);
  }
}

export function ensureDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return path.resolve(dir);
}
