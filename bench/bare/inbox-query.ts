/**
 * The bare inbox query: the SQL of Parley's listInbox (snapshot, stable page, rows moved since the
 * snapshot; see createBareInbox) run directly with better-sqlite3 in a loop, in a process of its
 * own (pinned like the server). Writes { perSecond, rows, ids, latency } to OUT.
 *
 *   node --import tsx bench/bare/inbox-query.ts DB_FILE SPEC_JSON DURATION_MS OUT
 *
 * SPEC_JSON: { queries: InboxQueries, userId, asOf?: number, before?: number, limit }
 */
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { timedLoop } from '../lib/histogram.js';
import { createBareInbox, type InboxQueries } from '../lib/seed-inbox.js';

interface Spec {
  queries: InboxQueries;
  userId: string;
  asOf?: number;
  before?: number;
  limit: number;
}

const [file, specText, durationText, out] = process.argv.slice(2);
if (!file || !specText || !durationText || !out) {
  console.error('usage: inbox-query.ts DB_FILE SPEC_JSON DURATION_MS OUT');
  process.exit(2);
}
const spec = JSON.parse(specText) as Spec;
const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
const listInbox = createBareInbox(db, spec.queries);
const run = () => listInbox(spec.userId, spec.asOf, spec.before ?? Number.MAX_SAFE_INTEGER, spec.limit);

const first = run();
const { queries, perSecond, latency } = timedLoop(run, Number(durationText));
db.close();
fs.writeFileSync(
  out,
  JSON.stringify({ queries, rows: first.entries.length, ids: first.entries.map((entry) => entry.row.conversation_id), perSecond, latency }),
);
