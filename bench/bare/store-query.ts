/**
 * The bare store query: Parley's history SELECT run directly with better-sqlite3 in a loop,
 * in a process of its own (pinned like the server). Writes { perSecond, latency } to OUT.
 *
 *   node --import tsx bench/bare/store-query.ts DB_FILE CONVERSATION_ID LIMIT DURATION_MS SQL OUT
 */
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { LatencyHistogram } from '../lib/histogram.js';

const [file, conversationId, limitText, durationText, sql, out] = process.argv.slice(2);
if (!file || !conversationId || !limitText || !durationText || !out || !sql) {
  console.error('usage: store-query.ts DB_FILE CONVERSATION_ID LIMIT DURATION_MS SQL OUT');
  process.exit(2);
}
const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
const statement = db.prepare(sql);
const limit = Number(limitText);
const run = () => statement.all(conversationId, Number.MAX_SAFE_INTEGER, limit);

const rows = run().length;
for (let i = 0; i < 2000; i++) run(); // warm-up

const histogram = new LatencyHistogram();
const durationMs = Number(durationText);
const started = performance.now();
let queries = 0;
for (let now = started; now - started < durationMs; ) {
  run();
  const after = performance.now();
  histogram.recordMs(after - now);
  now = after;
  queries++;
}
const elapsed = performance.now() - started;
db.close();
fs.writeFileSync(out, JSON.stringify({ queries, rows, perSecond: (queries / elapsed) * 1000, latency: histogram.summary() }));
