import type { Transaction } from 'better-sqlite3';
import { retryWhileBusy } from './busy-retry.js';

interface Pending<Item, Result> {
  item: Item;
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
      this.queue.push({ item, resolve, reject });
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

  private async commit(batch: Pending<Item, Result>[]): Promise<void> {
    const items = batch.map((pending) => pending.item);
    try {
      const { commit, lockTimeoutMs } = this.options;
      const results = await retryWhileBusy(async () => commit.immediate(items), { timeoutMs: lockTimeoutMs });
      batch.forEach((pending, index) => pending.resolve(results[index] as Result));
    } catch (error) {
      batch.forEach((pending) => pending.reject(error));
    }
  }
}
