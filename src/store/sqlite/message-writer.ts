import { Worker } from 'node:worker_threads';
import type { InsertResult, NewMessage } from '../../modules/chats/index.js';
import type { AppError } from '../../shared/errors.js';
import { workerEntry } from '../../shared/worker-entry.js';
import { WorkerThread } from '../../shared/worker-rpc.js';
import type { SqliteSynchronous } from './connection.js';
import { rethrowAsStoreError } from './errors.js';
import { GroupCommit } from './group-commit.js';
import { toInsertResult, toInsertRow, type InsertOutcome } from './message-rows.js';
import type { WriterRequest } from './message-writer.worker.js';

/**
 * How often the checkpoint thread copies the WAL into the database file. Each checkpoint's fsyncs
 * hold up the commits' own on this kind of disk: at 100 ms, S2's ack p99 at 2000 messages/s was
 * 38.9 ms; at 500 ms, 5.8 ms (docs/benchmarks.md, "Checkpoint interval"). The WAL holds at most
 * about half a second of writes more.
 */
const CHECKPOINT_INTERVAL_MS = 500;

export interface MessageWriterOptions {
  file: string;
  /** How long an insert may wait for the write lock, counted from its submission, in ms. */
  lockTimeoutMs: number;
  /** The writer's and the checkpointer's `synchronous`; default 'full'. */
  synchronous?: SqliteSynchronous;
}

/**
 * Message inserts, the hot write: group commit (the inserts that arrive while a batch commits
 * go together in the next, one fsync per batch) on the writer thread, so no fsync blocks the
 * event loop. The writer commits with automatic checkpoints off; the checkpoint thread, started
 * with it, does them. A writer thread that dies fails its batch with store_unavailable (the
 * client retries with the same clientMsgId; nothing is stored twice) and the next batch starts
 * a new one. Both threads start on the first insert, so a store that never writes has neither.
 */
export class MessageWriter {
  private readonly thread: WorkerThread<WriterRequest, InsertOutcome[]>;
  private readonly inserts: GroupCommit<NewMessage, InsertResult>;
  private checkpointer: Worker | undefined;

  constructor(private readonly options: MessageWriterOptions) {
    this.thread = new WorkerThread(workerEntry(import.meta.url, './message-writer.worker'), { workerData: { file: options.file, synchronous: options.synchronous ?? 'full' } });
    this.inserts = new GroupCommit<NewMessage, InsertResult>({
      commit: (batch, lockTimeoutMs) => this.commit(batch, lockTimeoutMs),
      lockTimeoutMs: options.lockTimeoutMs,
    });
  }

  /** Answers after the commit; refused alone (blocked, say) while the rest of its batch goes on. */
  insert(message: NewMessage): Promise<InsertResult> {
    this.checkpointer ??= this.startCheckpointer();
    return this.inserts.submit(message);
  }

  async close(): Promise<void> {
    await Promise.all([this.thread.close(), this.checkpointer?.terminate()]);
  }

  private async commit(batch: NewMessage[], lockTimeoutMs: number): Promise<(InsertResult | AppError)[]> {
    const rows = batch.map(toInsertRow);
    const outcomes = await this.thread.call({ rows, lockTimeoutMs }).catch(rethrowAsStoreError);
    return rows.map((row, index) => toInsertResult(row, outcomes[index] as InsertOutcome));
  }

  private startCheckpointer(): Worker {
    const checkpointer = new Worker(workerEntry(import.meta.url, './checkpointer.worker'), {
      workerData: { file: this.options.file, intervalMs: CHECKPOINT_INTERVAL_MS, synchronous: this.options.synchronous ?? 'full' },
    });
    checkpointer.unref();
    checkpointer.on('error', () => undefined); // reported by 'exit'
    checkpointer.on('exit', () => {
      if (this.checkpointer === checkpointer) this.checkpointer = undefined; // the next insert starts another
    });
    return checkpointer;
  }
}
