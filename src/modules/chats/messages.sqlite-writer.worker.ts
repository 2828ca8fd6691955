/**
 * The writer thread: commits batches of messages on a connection of its own, so that the
 * fsync of every commit (and SQLite's checkpoints) happen off the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { retryWhileBusySync } from '../../store/busy-retry.js';
import { createInsertBatch, type InsertOutcome, type MessageInsertRow } from './messages.sqlite.js';

export interface WriterRequest {
  id: number;
  rows: MessageInsertRow[];
  /** How long the batch may wait for another connection's write lock, in ms. */
  lockTimeoutMs: number;
}

export type WriterResponse =
  | { id: number; ok: true; outcomes: InsertOutcome[] }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };

/**
 * Longest pause between attempts at the write lock. SQLite's own busy handler sleeps up to
 * 100 ms between attempts, long after another process has committed; polling every few ms
 * costs a failed lock attempt each time and keeps the wait close to the other's commit.
 */
const MAX_LOCK_PAUSE_MS = 4;

const { file } = workerData as { file: string };
const db = new BetterSqlite3(file);
db.pragma('busy_timeout = 0');
db.pragma('wal_autocheckpoint = 0'); // the checkpoint thread does them, never a commit
db.pragma('synchronous = FULL'); // an acknowledged message survives power loss too
const insertBatch = createInsertBatch(db);

function commit(rows: MessageInsertRow[], lockTimeoutMs: number): InsertOutcome[] {
  return retryWhileBusySync(() => insertBatch.immediate(rows), { timeoutMs: lockTimeoutMs, maxIntervalMs: MAX_LOCK_PAUSE_MS });
}

const port = parentPort;
if (!port) throw new Error('messages.sqlite-writer.worker runs as a worker thread');

port.on('message', ({ id, rows, lockTimeoutMs }: WriterRequest) => {
  let response: WriterResponse;
  try {
    response = { id, ok: true, outcomes: commit(rows, lockTimeoutMs) };
  } catch (error) {
    const { name = 'Error', message = String(error), code } = error as { name?: string; message?: string; code?: string };
    response = { id, ok: false, error: { name, message, ...(typeof code === 'string' ? { code } : {}) } };
  }
  port.postMessage(response);
});
