/**
 * The writer thread's work per message, isolated: CPU time per message of a build's SQLite insert
 * transaction (createInsertBatch, what the writer thread runs) in batches of BATCH rows, on this
 * thread, with the build's own schema. What a change to the send's transaction costs, without the
 * group commit's timing or the rest of the machine in the figure.
 *
 *   node --import tsx bench/bare/insert-batch-cost.ts DIST_DIR [MESSAGES] [BATCH] [PAIRS]
 *
 * PAIRS conversations take turns (50, as in S1: each batch holds several messages of each).
 *
 * For the index lever (issue 17): DROP_INDEXES=name,name drops those indexes of the messages table
 * after the migration, and UUID_IDS=1 uses user ids shaped like Parley's (36-character UUIDs, so
 * conversation ids of 77 characters) instead of short ones. SYNCHRONOUS=normal: commits without fsync.
 *
 * Prints one JSON line: { dist, messages, batch, pairs, cpuPerMessageUs }.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type RowsModule = typeof import('../../src/store/sqlite/message-rows.js');
type ConnectionModule = typeof import('../../src/store/sqlite/connection.js');
type MigrationsModule = typeof import('../../src/store/sqlite/migrations.js');

const [distDir, messagesText = '50000', batchText = '100', pairsText = '50'] = process.argv.slice(2);
if (!distDir) {
  console.error('usage: insert-batch-cost.ts DIST_DIR [MESSAGES] [BATCH]');
  process.exit(2);
}
const load = async <T>(relative: string) => (await import(pathToFileURL(path.resolve(distDir, relative)).href)) as T;
const { createInsertBatch } = await load<RowsModule>('store/sqlite/message-rows.js');
const { openDatabase } = await load<ConnectionModule>('store/sqlite/connection.js');
const { migrate } = await load<MigrationsModule>('store/sqlite/migrations.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-insert-cost-'));
const file = path.join(dir, 'parley.db');
// SYNCHRONOUS=normal leaves out the fsync of each commit (and its noise): the CPU of the statements alone.
const db = openDatabase(file, 'writer', process.env.SYNCHRONOUS === 'normal' ? 'normal' : 'full');
db.pragma('journal_mode = WAL');
migrate(db);
for (const index of (process.env.DROP_INDEXES ?? '').split(',').filter(Boolean)) db.exec(`DROP INDEX ${index}`);
const userId = (n: number) => (process.env.UUID_IDS ? `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` : `user-${n}`);
const insertBatch = createInsertBatch(db);
const total = Number(messagesText);
const batch = Number(batchText);
const pairs = Number(pairsText);

function rows(from: number, count: number, prefix: string) {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const pair = i % pairs;
    const turn = Math.floor(i / pairs) % 2;
    const senderId = userId(2 * pair + turn);
    const receiverId = userId(2 * pair + 1 - turn);
    const [a, b] = senderId < receiverId ? [senderId, receiverId] : [receiverId, senderId];
    return [`dm:${a}:${b}`, senderId, receiverId, 'x'.repeat(100), `${prefix}-${i}`, new Date().toISOString()] as Parameters<typeof insertBatch>[0][number];
  });
}

for (let i = 0; i < 5000; i += batch) insertBatch.immediate(rows(i, batch, 'warm')); // JIT, page cache
const cpu = process.cpuUsage();
for (let i = 0; i < total; i += batch) insertBatch.immediate(rows(i, batch, 'm'));
const used = process.cpuUsage(cpu);
db.close();
fs.rmSync(dir, { recursive: true, force: true });
const dropped = process.env.DROP_INDEXES ?? '';
console.log(JSON.stringify({ dist: distDir, messages: total, batch, pairs, dropped, cpuPerMessageUs: (used.user + used.system) / total }));
