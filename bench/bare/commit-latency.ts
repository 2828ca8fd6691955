/**
 * The disk's share of S2's latency: bare better-sqlite3 group commits at a fixed arrival rate, in a
 * process of its own (pinned like the server), with nothing else of Parley's. Rows of S2's size
 * "arrive" on schedule; each turn of the loop inserts every row due so far in one transaction and
 * commits it (WAL, synchronous FULL, as Parley), and each row's latency runs from its scheduled
 * arrival to its commit. Rows arriving while a commit fsyncs wait for it and go in the next, as in
 * Parley's group commit, so the percentiles are what the fsyncs alone explain at this rate.
 * No checkpoints (Parley's run on a thread of their own): the WAL only grows.
 *
 *   node --import tsx bench/bare/commit-latency.ts DATA_DIR RATE DURATION_MS OUT
 *
 * Writes { rate, messages, commits, cpuPerMessageUs, latency } to OUT (latency in ms, as LatencySummary;
 * CPU of the whole process, the kernel's share of each fsync included).
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { LatencyHistogram } from '../lib/histogram.js';

const [dataDir, rateText, durationText, out] = process.argv.slice(2);
if (!dataDir || !rateText || !durationText || !out) {
  console.error('usage: commit-latency.ts DATA_DIR RATE DURATION_MS OUT');
  process.exit(2);
}
const rate = Number(rateText);
const durationMs = Number(durationText);
const WARM_UP_MS = 1000;

fs.mkdirSync(dataDir, { recursive: true });
const db = new BetterSqlite3(path.join(dataDir, 'bare-commits.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('wal_autocheckpoint = 0');
db.exec('CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO messages (body) VALUES (?)');
const insertAll = db.transaction((count: number) => {
  for (let i = 0; i < count; i++) insert.run('x'.repeat(100));
});

// Sleeps below a millisecond (setTimeout cannot): this loop has nothing else to do.
const pause = new Int32Array(new SharedArrayBuffer(4));
const intervalMs = 1000 / rate;
const histogram = new LatencyHistogram();
const started = performance.now();
const total = Math.round(((WARM_UP_MS + durationMs) / 1000) * rate);
const warmUpRows = Math.round((WARM_UP_MS / 1000) * rate);
let committed = 0;
let commits = 0;
let cpuAtWarmUpEnd: NodeJS.CpuUsage | undefined;
while (committed < total) {
  const due = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1);
  if (due <= committed) {
    Atomics.wait(pause, 0, 0, started + committed * intervalMs - performance.now());
    continue;
  }
  insertAll(due - committed);
  const doneAt = performance.now();
  for (let row = committed; row < due; row++) if (row >= warmUpRows) histogram.recordMs(doneAt - (started + row * intervalMs));
  if (committed >= warmUpRows) commits++;
  else if (due >= warmUpRows) cpuAtWarmUpEnd = process.cpuUsage();
  committed = due;
}
const cpu = process.cpuUsage(cpuAtWarmUpEnd);
db.close();
const cpuPerMessageUs = (cpu.user + cpu.system) / histogram.count;
fs.writeFileSync(out, JSON.stringify({ rate, messages: histogram.count, commits, cpuPerMessageUs, latency: histogram.summary() }));
