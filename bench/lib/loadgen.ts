import path from 'node:path';
import type { Command, CommandResults, Request, Response } from '../load/protocol.js';
import type { Managed, ProcessRegistry } from './processes.js';

/** The orchestrator's handle on the load generator process (bench/load/main.ts). */
export class LoadGenerator {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(readonly managed: Managed) {
    managed.child.on('message', (response: Response) => {
      const waiter = this.pending.get(response.id);
      if (!waiter) return;
      this.pending.delete(response.id);
      if (response.ok) waiter.resolve(response.result);
      else waiter.reject(new Error(`load generator: ${response.error}`));
    });
    void managed.exited.then((code) => {
      for (const waiter of this.pending.values()) {
        waiter.reject(new Error(`load generator exited (${code}):\n${managed.logTail(30)}`));
      }
      this.pending.clear();
    });
  }

  static start(registry: ProcessRegistry, options: { runDir: string; cpus: string; cwd: string }): LoadGenerator {
    const managed = registry.start({
      name: 'loadgen',
      command: process.execPath,
      args: ['--import', 'tsx', 'bench/load/main.ts'],
      cwd: options.cwd,
      cpus: options.cpus,
      logFile: path.join(options.runDir, `loadgen-${Date.now()}.log`),
      ipc: true,
      env: { NODE_OPTIONS: '--max-old-space-size=8192' },
    });
    return new LoadGenerator(managed);
  }

  get pid(): number {
    return this.managed.pid;
  }

  send<C extends Command>(command: C): Promise<CommandResults[C['cmd']]> {
    if (!this.managed.running()) return Promise.reject(new Error(`load generator is not running:\n${this.managed.logTail(30)}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.managed.child.send({ id, command } satisfies Request);
    });
  }

  async stop(): Promise<void> {
    if (this.managed.running()) {
      await Promise.race([this.send({ cmd: 'exit' }).catch(() => null), new Promise((resolve) => setTimeout(resolve, 2000))]);
    }
    await this.managed.stop(3000);
  }
}
