/**
 * Storage size per million messages, measured on SQLite: a fresh file with Parley's schema
 * (its migrations), MESSAGES messages of 100 characters among 10,000 users in 50,000
 * conversations with UUID clientMsgIds, then the bytes of the table and of each index (dbstat),
 * scaled to one million. docs/scaling.md quotes it.
 *
 *   node --import tsx bench/bare/sizes.ts [MESSAGES]   (default 200000)
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../../src/store/sqlite/migrations.js';
import { directConversationId } from '../../src/modules/chats/conversation-id.js';

const count = Number(process.argv[2] ?? 200_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sizes-'));
const db = new BetterSqlite3(path.join(dir, 'parley.db'));
try {
  db.pragma('journal_mode = WAL');
  migrate(db);
  const users = Array.from({ length: 10_000 }, () => db.prepare('SELECT lower(hex(randomblob(12))) AS id').pluck().get() as string);
  const pairs = Array.from({ length: 50_000 }, (_, i) => [users[i % users.length], users[(i * 7 + 1) % users.length]] as [string, string]);
  const text = 'Parley size probe: the quick brown fox jumps over the lazy dog 0123456789. '.repeat(2).slice(0, 100);
  const insert = db.prepare(
    'INSERT INTO messages (conversation_id, sender_id, receiver_id, body, client_msg_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertAll = db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const [a, b] = pairs[i % pairs.length] as [string, string];
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      insert.run(directConversationId(from, to), from, to, text, randomUUID(), new Date().toISOString());
    }
  });
  insertAll();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const rows = db
    .prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE name LIKE 'messages%' GROUP BY name ORDER BY name")
    .all() as { name: string; bytes: number }[];
  const perMillion = (bytes: number) => Math.round(((bytes / count) * 1_000_000) / 2 ** 20);
  console.log(`SQLite, ${count} messages of 100 characters, scaled to one million (MiB):`);
  for (const { name, bytes } of rows) console.log(`  ${name.padEnd(28)} ${perMillion(bytes)}`);
  console.log(`  ${'total'.padEnd(28)} ${perMillion(rows.reduce((sum, row) => sum + row.bytes, 0))}`);
} finally {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
