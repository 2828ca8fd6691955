import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../shared/worker-entry.js';
import type { HasherJob, HasherRequest, HasherResponse } from './password-hasher.worker.js';

interface Job {
  resolve(result: string | boolean): void;
  reject(error: Error): void;
}

/**
 * Low-priority hashing threads (password-hasher.worker.ts), one per core but one, at least
 * one: never on the event loop, and never crowding it out of the CPU. Threads start on first
 * use and keep the process alive only while they have work.
 */
class PasswordHasher {
  private readonly threads: { worker: Worker; jobs: Map<number, Job> }[] = [];
  private nextId = 1;

  constructor(private readonly size: number) {}

  run(job: HasherJob): Promise<string | boolean> {
    const thread = this.leastBusy();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.jobs.set(id, { resolve, reject });
      thread.worker.ref();
      thread.worker.postMessage({ ...job, id } satisfies HasherRequest);
    });
  }

  private leastBusy() {
    const idle = this.threads.find((thread) => thread.jobs.size === 0);
    if (idle) return idle;
    if (this.threads.length < this.size) return this.start();
    return this.threads.reduce((best, thread) => (thread.jobs.size < best.jobs.size ? thread : best));
  }

  private start() {
    const worker = new Worker(workerEntry(import.meta.url, './password-hasher.worker'));
    const thread = { worker, jobs: new Map<number, Job>() };
    worker.unref();
    worker.on('message', ({ id, ...response }: HasherResponse) => {
      const job = thread.jobs.get(id);
      thread.jobs.delete(id);
      if (thread.jobs.size === 0) worker.unref();
      if (!job) return;
      if (response.ok) job.resolve(response.result);
      else job.reject(new Error(response.message));
    });
    const fail = (error: Error) => {
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      for (const job of thread.jobs.values()) job.reject(error);
      thread.jobs.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`password hashing thread exited with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }
}

// One pool per process: it shares the process's CPUs, whatever number of Parley instances run in it.
const hasher = new PasswordHasher(Math.max(1, os.availableParallelism() - 1));

export async function hashPassword(password: string): Promise<string> {
  return (await hasher.run({ op: 'hash', password })) as string;
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  return (await hasher.run({ op: 'verify', hash, password })) === true;
}

let decoyHash: Promise<string> | undefined;

/** Spends the time of a real verification, so an unknown username answers as slowly as a wrong password. */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoyHash ??= hashPassword('parley-decoy-password');
  await verifyPassword(await decoyHash, password);
  return false;
}
