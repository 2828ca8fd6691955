import { Worker } from 'node:worker_threads';
import { errors } from '../../shared/errors.js';
import { workerEntry } from '../../shared/worker-entry.js';
import type { InsertOutcome, MessageInsertRow } from './messages.sqlite.js';
import type { WriterRequest, WriterResponse } from './messages.sqlite-writer.worker.js';

/** How often the checkpoint thread copies the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 100;

interface Waiter {
  resolve(outcomes: InsertOutcome[]): void;
  reject(error: unknown): void;
}

/**
 * The event loop's side of the writer thread: hands it batches and answers each with what
 * was committed. A thread that dies fails its batch (the client retries with the same
 * clientMsgId; nothing is stored twice) and is started again for the next one.
 */
export class MessageWriterThread {
  private worker: Worker | undefined;
  private checkpointer: Worker | undefined;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly file: string) {}

  commit(rows: MessageInsertRow[], lockTimeoutMs: number): Promise<InsertOutcome[]> {
    if (this.closed) return Promise.reject(errors.storeUnavailable(new Error('the store is closed')));
    const worker = (this.worker ??= this.start());
    this.checkpointer ??= this.startCheckpointer();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, rows, lockTimeoutMs } satisfies WriterRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.worker?.terminate(), this.checkpointer?.terminate()]);
  }

  /** The writer commits with automatic checkpoints off: this thread does them (sqlite-checkpointer.worker.ts). */
  private startCheckpointer(): Worker {
    const checkpointer = new Worker(workerEntry(import.meta.url, '../../store/sqlite-checkpointer.worker'), {
      workerData: { file: this.file, intervalMs: CHECKPOINT_INTERVAL_MS },
    });
    checkpointer.unref();
    checkpointer.on('error', () => undefined); // reported by 'exit'
    checkpointer.on('exit', () => {
      if (this.checkpointer === checkpointer) this.checkpointer = undefined; // the next commit starts another
    });
    return checkpointer;
  }

  private start(): Worker {
    const worker = new Worker(workerEntry(import.meta.url, './messages.sqlite-writer.worker'), { workerData: { file: this.file } });
    // Only while a batch is waiting does the thread keep the process alive.
    worker.unref();
    worker.on('message', (response: WriterResponse) => this.answer(response));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`message writer thread exited with code ${code}`));
    });
    return worker;
  }

  private answer(response: WriterResponse): void {
    const waiter = this.waiting.get(response.id);
    if (!waiter) return;
    this.waiting.delete(response.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (response.ok) waiter.resolve(response.outcomes);
    else waiter.reject(Object.assign(new Error(response.error.message), response.error));
  }

  private failAll(cause: unknown): void {
    const error = errors.storeUnavailable(cause);
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
