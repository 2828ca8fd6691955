/**
 * The bare store query: Parley's history SELECT run directly with better-sqlite3 in a loop,
 * in a process of its own (pinned like the server). Writes { perSecond, latency } to OUT.
 *
 *   node --import tsx bench/bare/store-query.ts DB_FILE CONVERSATION_ID LIMIT DURATION_MS SQL OUT
 */
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { timedLoop } from '../lib/histogram.js';

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
const { queries, perSecond, latency } = timedLoop(run, Number(durationText));
db.close();
fs.writeFileSync(out, JSON.stringify({ queries, rows, perSecond, latency }));
