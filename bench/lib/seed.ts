/**
 * Test data written straight into Parley's SQLite file while no server runs: users (with a
 * real argon2 hash) and conversations, in one transaction each. Schemas, password hashing
 * and token issuing come from dist/, i.e. from the very build that is benchmarked.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { parleyBuildRoot } from './context.js';

type MigrationsModule = typeof import('../../src/store/sqlite/migrations.js');
type PasswordHasherModule = typeof import('../../src/modules/auth/credentials/password-hasher.js');
type TokensModule = typeof import('../../src/modules/auth/tokens/tokens.js');

export async function importDist<T>(relative: string): Promise<T> {
  return (await import(pathToFileURL(path.join(parleyBuildRoot(), 'dist', relative)).href)) as T;
}

export const BENCH_PASSWORD = 'bench-password-1';

let passwordHash: Promise<string> | undefined;
/** An argon2id hash of BENCH_PASSWORD made by Parley's own password hasher (same parameters). */
export function benchPasswordHash(): Promise<string> {
  passwordHash ??= importDist<PasswordHasherModule>('modules/auth/credentials/password-hasher.js').then(async ({ createPasswordHasher }) => {
    const hasher = createPasswordHasher({ threads: 1 });
    try {
      return await hasher.hash(BENCH_PASSWORD);
    } finally {
      await hasher.close();
    }
  });
  return passwordHash;
}

export interface BenchUser {
  id: string;
  username: string;
  /** A JWT for Parley (signed with the bench's JWT_SECRET by dist's token service). */
  token: string;
}

export async function makeUsers(count: number, prefix: string, jwtSecret: string): Promise<BenchUser[]> {
  const { createTokenService } = await importDist<TokensModule>('modules/auth/tokens/tokens.js');
  const tokens = createTokenService({ secret: jwtSecret, ttlSeconds: 86_400 });
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    users.push({ id, username: `${prefix}${i}`.slice(0, 32), token: await tokens.issue(id) });
  }
  return users;
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'parley.db');
}

/** Creates the data folder and Parley's schema (by its own migrations), and inserts the users. */
export async function seedUsers(dataDir: string, users: BenchUser[]): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true });
  const [{ migrate }, hash] = await Promise.all([importDist<MigrationsModule>('store/sqlite/migrations.js'), benchPasswordHash()]);
  const db = new BetterSqlite3(databaseFile(dataDir));
  try {
    db.pragma('journal_mode = WAL');
    migrate(db);
    const insert = db.prepare('INSERT INTO users (id, username, username_lower, password_hash, created_at) VALUES (?, ?, ?, ?, ?)');
    const now = new Date().toISOString();
    db.transaction(() => {
      for (const user of users) insert.run(user.id, user.username, user.username.toLowerCase(), hash, now);
    })();
  } finally {
    db.close();
  }
}

/** Appends `count` messages (alternating senders, 100 characters) to the conversation of a and b. */
export function seedConversation(dataDir: string, a: string, b: string, count: number): void {
  const db = new BetterSqlite3(databaseFile(dataDir));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const conversationId = a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
    const insert = db.prepare(
      'INSERT INTO messages (conversation_id, sender_id, receiver_id, body, client_msg_id, created_at) VALUES (?, ?, ?, ?, NULL, ?)',
    );
    const body = 'Seeded history message for the Parley benchmark. '.repeat(3).slice(0, 100);
    const base = Date.now() - count * 1000;
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const fromA = i % 2 === 0;
        insert.run(conversationId, fromA ? a : b, fromA ? b : a, body, new Date(base + i * 1000).toISOString());
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

export interface StoredCount {
  rows: number;
  distinctClientMsgIds: number;
}

/** Messages of one run (client_msg_id starts with `${runId}.`), read-only. */
export function countStored(dataDir: string, runId: string): StoredCount {
  const db = new BetterSqlite3(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    const prefix = `${runId}.`;
    return db
      .prepare<[number, string], StoredCount>(
        'SELECT COUNT(*) AS rows, COUNT(DISTINCT client_msg_id) AS distinctClientMsgIds FROM messages WHERE substr(client_msg_id, 1, ?) = ?',
      )
      .get(prefix.length, prefix) as StoredCount;
  } finally {
    db.close();
  }
}

/** Every message in the file with a clientMsgId (all of a soak's), read-only. */
export function countAllStored(dataDir: string): StoredCount {
  const db = new BetterSqlite3(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], StoredCount>('SELECT COUNT(*) AS rows, COUNT(DISTINCT client_msg_id) AS distinctClientMsgIds FROM messages WHERE client_msg_id IS NOT NULL')
      .get() as StoredCount;
  } finally {
    db.close();
  }
}

/** The history query as Parley's built SQLite repository spells it (read from dist), else the known text. */
export function historyQuerySql(): { sql: string; source: string } {
  const fallback = 'SELECT * FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?';
  try {
    const code = fs.readFileSync(path.join(parleyBuildRoot(), 'dist/store/sqlite/messages.js'), 'utf8');
    const match = /['`](SELECT[^'`]*WHERE conversation_id = \?[^'`]*ORDER BY seq DESC LIMIT \?)['`]/.exec(code);
    if (match?.[1]) return { sql: match[1].replace(/\s+/g, ' ').trim(), source: 'dist/store/sqlite/messages.js' };
  } catch {
    // fall back
  }
  return { sql: fallback, source: 'bench fallback (not found in dist)' };
}

export function explainQueryPlan(dataDir: string, sql: string, params: unknown[]): string[] {
  const db = new BetterSqlite3(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { id: number; parent: number; detail: string }[];
    return rows.map((row) => `${row.parent === 0 ? '' : '  '}${row.detail}`);
  } finally {
    db.close();
  }
}
