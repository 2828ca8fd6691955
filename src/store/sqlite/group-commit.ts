import { errors } from '../../shared/errors.js';

interface Pending<Item, Result> {
  item: Item;
  /** When this write gives up waiting for the lock (performance.now() ms: a wall-clock step cannot stretch it). */
  deadline: number;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Writes a batch in one transaction, waiting at most lockTimeoutMs for the write lock; one result
 * per item. An Error among the results refuses that item alone (its submit rejects with it).
 */
export type BatchCommit<Item, Result> = (batch: Item[], lockTimeoutMs: number) => Promise<(Result | Error)[]>;

export interface GroupCommitOptions<Item, Result> {
  commit: BatchCommit<Item, Result>;
  /** How long a write may wait for the write lock, counted from its submission, in ms. */
  lockTimeoutMs: number;
  /** Most writes in one transaction. Default 1000. */
  maxBatch?: number;
}

/**
 * Group commit: writes submitted while the previous batch is committing (or during one
 * event-loop turn) share one transaction, so one fsync makes a whole batch durable, and each
 * caller is answered only after that commit. One batch at a time, so writes keep the order
 * they were submitted in.
 */
export class GroupCommit<Item, Result> {
  private queue: Pending<Item, Result>[] = [];
  private scheduled = false;
  private committing = false;
  private readonly maxBatch: number;

  constructor(private readonly options: GroupCommitOptions<Item, Result>) {
    this.maxBatch = options.maxBatch ?? 1000;
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, deadline: performance.now() + this.options.lockTimeoutMs, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.committing || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    this.committing = true;
    try {
      await this.commit(batch);
    } finally {
      this.committing = false;
      this.schedule();
    }
  }

  /** Each write waits at most its own lock timeout, counted from submission, however many batches are ahead. */
  private async commit(pendings: Pending<Item, Result>[]): Promise<void> {
    const now = performance.now();
    const batch = pendings.filter((pending) => pending.deadline > now);
    for (const pending of pendings) if (pending.deadline <= now) pending.reject(errors.storeUnavailable());
    if (batch.length === 0) return;
    const timeoutMs = Math.min(...batch.map((pending) => pending.deadline)) - now;
    try {
      const results = await this.options.commit(
        batch.map((pending) => pending.item),
        timeoutMs,
      );
      batch.forEach((pending, index) => {
        const result = results[index] as Result | Error;
        if (result instanceof Error) pending.reject(result);
        else pending.resolve(result);
      });
    } catch (error) {
      batch.forEach((pending) => pending.reject(error));
    }
  }
}
