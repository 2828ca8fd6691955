/**
 * The writer thread: commits batches of messages on a connection of its own, so that the
 * fsync of every commit (and SQLite's checkpoints) happen off the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { createInsertBatch, type InsertOutcome, type MessageInsertRow } from './messages.sqlite.js';

export interface WriterRequest {
  id: number;
  rows: MessageInsertRow[];
  /** How long SQLite may wait for another connection's write lock (this thread only). */
  lockTimeoutMs: number;
}

export type WriterResponse =
  | { id: number; ok: true; outcomes: InsertOutcome[] }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };

const { file } = workerData as { file: string };
const db = new BetterSqlite3(file);
db.pragma('synchronous = FULL'); // an acknowledged message survives power loss too
const insertBatch = createInsertBatch(db);
const port = parentPort;
if (!port) throw new Error('messages.sqlite-writer.worker runs as a worker thread');

port.on('message', ({ id, rows, lockTimeoutMs }: WriterRequest) => {
  let response: WriterResponse;
  try {
    // Waiting for the lock inside SQLite is fine here: only this thread waits.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(lockTimeoutMs))}`);
    response = { id, ok: true, outcomes: insertBatch.immediate(rows) };
  } catch (error) {
    const { name = 'Error', message = String(error), code } = error as { name?: string; message?: string; code?: string };
    response = { id, ok: false, error: { name, message, ...(typeof code === 'string' ? { code } : {}) } };
  }
  port.postMessage(response);
});
