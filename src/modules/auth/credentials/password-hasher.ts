import { WorkerThread } from '../../../shared/worker-rpc.js';
import { workerEntry } from '../../../shared/worker-entry.js';
import type { HasherJob } from './password-hasher.worker.js';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the time of a real verification, so an unknown username answers as slowly as a wrong password. */
  verifyAgainstDecoy(password: string): Promise<false>;
  close(): Promise<void>;
}

export interface PasswordHasherOptions {
  /** Hashing threads (password-hasher.worker.ts); each starts on first use. */
  threads: number;
}

/**
 * argon2id on low-priority threads: never on the event loop, and never crowding it out of
 * the CPU. A job goes to an idle thread, else to the least busy one.
 */
export function createPasswordHasher({ threads }: PasswordHasherOptions): PasswordHasher {
  const entry = workerEntry(import.meta.url, './password-hasher.worker');
  const pool = Array.from({ length: Math.max(1, threads) }, () => new WorkerThread<HasherJob, string | boolean>(entry));
  const leastBusy = () => pool.reduce((best, thread) => (thread.pending < best.pending ? thread : best));
  const run = (job: HasherJob) => leastBusy().call(job);

  const hash = async (password: string) => (await run({ op: 'hash', password })) as string;
  const verify = async (hashed: string, password: string) => (await run({ op: 'verify', hash: hashed, password })) === true;
  let decoyHash: Promise<string> | undefined;

  return {
    hash,
    verify,
    async verifyAgainstDecoy(password) {
      decoyHash ??= hash('parley-decoy-password').catch((error: unknown) => {
        decoyHash = undefined; // the next login tries again
        throw error;
      });
      await verify(await decoyHash, password);
      return false;
    },
    async close() {
      await Promise.all(pool.map((thread) => thread.close()));
    },
  };
}
