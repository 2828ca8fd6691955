import type { Transaction } from 'better-sqlite3';
import { errors } from '../shared/errors.js';
import { retryWhileBusy } from './busy-retry.js';

interface Pending<Item, Result> {
  item: Item;
  /** When this write gives up waiting for the lock (ms since the epoch). */
  deadline: number;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions<Item, Result> {
  /** A better-sqlite3 transaction that writes a batch and answers one result per item. */
  commit: Transaction<(batch: Item[]) => Result[]>;
  /** How long a batch may wait for another process's write lock, in ms. */
  lockTimeoutMs: number;
}

/**
 * Group commit: the writes submitted during one event-loop turn share one transaction,
 * so one fsync makes a whole batch durable, and each caller is answered only after that
 * commit. Batches commit one after another, so writes keep the order they were submitted in.
 */
export class GroupCommit<Item, Result> {
  private queue: Pending<Item, Result>[] = [];
  private scheduled = false;
  private committing: Promise<void> = Promise.resolve();

  constructor(private readonly options: GroupCommitOptions<Item, Result>) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, deadline: Date.now() + this.options.lockTimeoutMs, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    this.committing = this.committing.then(() => this.commit(batch));
  }

  /** Each write waits at most its own lock timeout, counted from submission, however many batches are ahead. */
  private async commit(pendings: Pending<Item, Result>[]): Promise<void> {
    const now = Date.now();
    const batch = pendings.filter((pending) => pending.deadline > now);
    for (const pending of pendings) if (pending.deadline <= now) pending.reject(errors.storeUnavailable());
    if (batch.length === 0) return;
    const timeoutMs = Math.min(...batch.map((pending) => pending.deadline)) - now;
    try {
      const items = batch.map((pending) => pending.item);
      const results = await retryWhileBusy(async () => this.options.commit.immediate(items), { timeoutMs });
      batch.forEach((pending, index) => pending.resolve(results[index] as Result));
    } catch (error) {
      batch.forEach((pending) => pending.reject(error));
    }
  }
}
