/**
 * The writer thread: commits batches of messages on a connection of its own, so that the
 * fsync of every commit happens off the event loop.
 */
import { workerData } from 'node:worker_threads';
import { answerRequests } from '../../shared/worker-rpc.js';
import { openDatabase, type SqliteSynchronous } from './connection.js';
import { waitForLockSync } from './lock-wait.js';
import { createInsertBatch, type InsertOutcome, type MessageInsertRow } from './message-rows.js';

export interface WriterRequest {
  rows: MessageInsertRow[];
  /** How long the batch may wait for another connection's write lock, in ms. */
  lockTimeoutMs: number;
}

/**
 * Longest pause between attempts at the write lock. SQLite's own busy handler sleeps up to
 * 100 ms between attempts, long after another process has committed; polling every few ms
 * costs a failed lock attempt each time and keeps the wait close to the other's commit.
 */
const MAX_LOCK_PAUSE_MS = 4;

const { file, synchronous } = workerData as { file: string; synchronous: SqliteSynchronous };
const insertBatch = createInsertBatch(openDatabase(file, 'writer', synchronous));

answerRequests(
  ({ rows, lockTimeoutMs }: WriterRequest): InsertOutcome[] =>
    waitForLockSync(() => insertBatch.immediate(rows), { timeoutMs: lockTimeoutMs, maxPauseMs: MAX_LOCK_PAUSE_MS }),
);
