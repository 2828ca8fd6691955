/**
 * S8's data: many inboxes in one SQLite file, written straight into it while no server runs.
 * Messages go in with plain INSERTs (one transaction, prepared statements, seq in order), and the
 * `conversations` rows are computed from them the way the send path and mark_read leave them:
 * last_seq is the conversation's newest message, read_seq a received message (or 0),
 * unread_count the peer's messages after read_seq, delivered_seq the newest received message.
 * checkInboxConsistency() proves that with SQL over the whole file. The inbox SQL the bench runs
 * bare is the SQL Parley's built SQLite repository prepares (captured from dist, see inboxQueries).
 */
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { databaseFile, importDist } from './seed.js';

type ConversationsModule = typeof import('../../src/store/sqlite/conversations.js');
type UsersModule = typeof import('../../src/store/sqlite/users.js');
type MessageRowsModule = typeof import('../../src/store/sqlite/message-rows.js');

const BODY = 'Seeded inbox message for the Parley benchmark. '.repeat(3).slice(0, 100);

/** mulberry32: a small deterministic PRNG, so every run seeds the same shape. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const conversationIdOf = (a: string, b: string) => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);

export interface InboxSeedSpec {
  /** Each owner talks with the first `conversations` peers. */
  owners: { id: string; conversations: number }[];
  peers: string[];
  /** Messages in all, spread evenly over every conversation and shuffled in time. */
  messages: number;
  /** Share of conversation sides with 1-5 unread messages (the rest have read everything). */
  unreadShare?: number;
  seed?: number;
}

export interface InboxSeedResult {
  messages: number;
  conversations: number;
  conversationRows: number;
  /** Conversation rows (sides) with unread messages, and the unread messages in all. */
  sidesWithUnread: number;
  unreadMessages: number;
  seconds: number;
}

/**
 * Appends the messages of `spec` to a file that has Parley's schema and the users (seedUsers),
 * and the conversations rows for both sides of every conversation, in one transaction.
 */
export function seedInbox(dataDir: string, spec: InboxSeedSpec): InboxSeedResult {
  const started = performance.now();
  const random = prng(spec.seed ?? 8);
  const unreadShare = spec.unreadShare ?? 0.3;
  const owners: number[] = [];
  const peers: number[] = [];
  for (const [o, owner] of spec.owners.entries()) {
    if (owner.conversations > spec.peers.length) throw new Error(`owner ${o}: ${owner.conversations} conversations but only ${spec.peers.length} peers`);
    for (let p = 0; p < owner.conversations; p++) {
      owners.push(o);
      peers.push(p);
    }
  }
  const count = owners.length;
  const total = spec.messages;
  if (total < count) throw new Error(`${total} messages cannot fill ${count} conversations`);
  const ids = owners.map((o, c) => conversationIdOf((spec.owners[o] as { id: string }).id, spec.peers[peers[c] as number] as string));

  // Messages per conversation (even), then the order they are sent in (shuffled).
  const perConversation = new Uint32Array(count).map((_, c) => Math.floor(total / count) + (c < total % count ? 1 : 0));
  const order = new Uint32Array(total);
  for (let c = 0, i = 0; c < count; c++) for (let k = 0; k < (perConversation[c] as number); k++) order[i++] = c;
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }

  // The j-th message of a conversation (0-based) is the owner's when j is even, the peer's when
  // odd: the owner receives the odd ones, the peer the even ones. Side 0 is the owner's row.
  const received = (side: number, m: number) => (side === 0 ? Math.floor(m / 2) : Math.ceil(m / 2));
  const nthReceived = (side: number, k: number) => (side === 0 ? 2 * k + 1 : 2 * k);
  const unread = [new Uint8Array(count), new Uint8Array(count)] as const;
  /** The occurrence whose seq is the side's read watermark (-1: nothing read). */
  const readAt = [new Int32Array(count), new Int32Array(count)] as const;
  for (let c = 0; c < count; c++) {
    for (const side of [0, 1]) {
      const r = received(side, perConversation[c] as number);
      const wanted = random() < unreadShare ? 1 + Math.floor(random() * 5) : 0;
      const u = Math.min(wanted, r);
      unread[side as 0 | 1][c] = u;
      readAt[side as 0 | 1][c] = r - u > 0 ? nthReceived(side, r - u - 1) : -1;
    }
  }

  const db = new BetterSqlite3(databaseFile(dataDir));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -524288'); // 512 MiB: the three message indexes take random inserts
    const base = (db.prepare('SELECT max(seq) FROM messages').pluck().get() as number | null) ?? 0;
    const sqliteSequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").pluck().get() as number | undefined;
    if ((sqliteSequence ?? 0) > base) throw new Error('messages: sqlite_sequence ahead of max(seq); seed a fresh file');
    const insertMessage = db.prepare(
      'INSERT INTO messages (seq, conversation_id, sender_id, receiver_id, body, client_msg_id, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?)',
    );
    const insertConversation = db.prepare(
      'INSERT INTO conversations (user_id, conversation_id, peer_id, last_seq, unread_count, read_seq, delivered_seq) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const occurrence = new Uint32Array(count);
    const lastSeq = new Float64Array(count);
    const lastReceived = [new Float64Array(count), new Float64Array(count)] as const;
    const readSeq = [new Float64Array(count), new Float64Array(count)] as const;
    const startTime = Date.now() - total * 1000;
    let sidesWithUnread = 0;
    let unreadMessages = 0;
    db.transaction(() => {
      for (let i = 0; i < total; i++) {
        const c = order[i] as number;
        const j = occurrence[c] as number;
        occurrence[c] = j + 1;
        const seq = base + i + 1;
        const owner = (spec.owners[owners[c] as number] as { id: string }).id;
        const peer = spec.peers[peers[c] as number] as string;
        const ownerSends = j % 2 === 0;
        insertMessage.run(seq, ids[c], ownerSends ? owner : peer, ownerSends ? peer : owner, BODY, new Date(startTime + i * 1000).toISOString());
        lastSeq[c] = seq;
        const receiver = ownerSends ? 1 : 0;
        lastReceived[receiver][c] = seq;
        if (readAt[receiver][c] === j) readSeq[receiver][c] = seq;
      }
      for (let c = 0; c < count; c++) {
        const owner = (spec.owners[owners[c] as number] as { id: string }).id;
        const peer = spec.peers[peers[c] as number] as string;
        for (const side of [0, 1] as const) {
          const u = unread[side][c] as number;
          if (u > 0) sidesWithUnread++;
          unreadMessages += u;
          insertConversation.run(
            side === 0 ? owner : peer,
            ids[c],
            side === 0 ? peer : owner,
            lastSeq[c],
            u,
            readSeq[side][c],
            lastReceived[side][c],
          );
        }
      }
    })();
    // No ANALYZE: Parley never runs it, so a deployed file has no statistics either.
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { messages: total, conversations: count, conversationRows: 2 * count, sidesWithUnread, unreadMessages, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}

/**
 * Every conversations row against the messages, by SQL over the whole file (a few seconds for
 * 1M messages): what migration v3 and the send path would have written (last_seq, peer, one row
 * per side), unread_count as mark_read counts it, watermarks on received messages. An empty
 * list: consistent.
 */
export function checkInboxConsistency(dataDir: string): { failures: string[]; seconds: number } {
  const started = performance.now();
  const db = new BetterSqlite3(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string) => db.prepare(sql).pluck().get() as number;
    const checks: Record<string, string> = {
      // With the peer check below (each row's user is a participant, so at most two rows per
      // conversation) and no conversation with oneself: exactly one row per participant.
      'no conversation with oneself': 'SELECT count(*) FROM messages WHERE sender_id = receiver_id',
      'rows: two per conversation with a message': `
        SELECT (SELECT count(*) FROM conversations) - 2 * (SELECT count(*) FROM (SELECT DISTINCT conversation_id FROM messages))`,
      'last_seq is the newest message (so no row without a message)': `
        SELECT count(*) FROM conversations c
        WHERE c.last_seq IS NOT (SELECT max(seq) FROM messages m WHERE m.conversation_id = c.conversation_id)`,
      'user_id and peer_id are the participants': `
        SELECT count(*) FROM conversations c JOIN messages m ON m.seq = c.last_seq
        WHERE NOT ((m.sender_id = c.user_id AND m.receiver_id = c.peer_id) OR (m.sender_id = c.peer_id AND m.receiver_id = c.user_id))`,
      // `+m.sender_id`: by the conversation's index. Left to itself (no ANALYZE) SQLite reads the
      // sender's index, i.e. everything the peer sent after read_seq in every conversation.
      'unread_count is the peer messages after read_seq': `
        SELECT count(*) FROM conversations c
        WHERE c.unread_count <> (SELECT count(*) FROM messages m WHERE m.conversation_id = c.conversation_id AND m.seq > c.read_seq AND +m.sender_id = c.peer_id)`,
      'read_seq and delivered_seq are 0 or a message the user received, read <= delivered <= last': `
        SELECT count(*) FROM conversations c
        WHERE c.read_seq > c.delivered_seq OR c.delivered_seq > c.last_seq
           OR (c.read_seq <> 0 AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.seq = c.read_seq AND m.conversation_id = c.conversation_id AND m.receiver_id = c.user_id))
           OR (c.delivered_seq <> 0 AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.seq = c.delivered_seq AND m.conversation_id = c.conversation_id AND m.receiver_id = c.user_id))`,
    };
    const failures: string[] = [];
    for (const [name, sql] of Object.entries(checks)) {
      const bad = one(sql);
      if (bad !== 0) failures.push(`${name}: ${bad} rows off`);
    }
    return { failures, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}

/** The user's conversations, newest activity first (to choose which to move). */
export function inboxOrder(dataDir: string, userId: string): { conversationId: string; peerId: string }[] {
  const db = new BetterSqlite3(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[string], { conversationId: string; peerId: string }>(
        'SELECT conversation_id AS conversationId, peer_id AS peerId FROM conversations WHERE user_id = ? ORDER BY last_seq DESC',
      )
      .all(userId);
  } finally {
    db.close();
  }
}

/** One message from each peer to the user, through Parley's own insert transaction (createInsertBatch from dist). */
export async function sendThroughInsertPath(dataDir: string, sends: { conversationId: string; senderId: string; receiverId: string }[]): Promise<number[]> {
  const { createInsertBatch } = await importDist<MessageRowsModule>('store/sqlite/message-rows.js');
  const db = new BetterSqlite3(databaseFile(dataDir));
  try {
    db.pragma('journal_mode = WAL');
    const insertBatch = createInsertBatch(db);
    const at = new Date().toISOString();
    const outcomes = insertBatch(sends.map((send) => [send.conversationId, send.senderId, send.receiverId, BODY, null, at]));
    db.pragma('wal_checkpoint(TRUNCATE)');
    return outcomes.map((outcome) => (typeof outcome === 'number' ? outcome : Number.NaN));
  } finally {
    db.close();
  }
}

/** The SQL listInbox runs, and the users lookup the service runs for the page's peers. */
export interface InboxQueries {
  newestPosition: string;
  stablePage: string;
  movedSince: string;
  positionAsOf: string;
  byKey: string;
  usersByIds: string;
}

/** Prepared statements a repository asks for, without a database (nothing is executed). */
function capturePrepared(create: (connection: never) => unknown): string[] {
  const sqls: string[] = [];
  const statement: Record<string, unknown> = {};
  for (const method of ['pluck', 'raw', 'expand', 'safeIntegers']) statement[method] = () => statement;
  const db = {
    prepare(sql: string) {
      sqls.push(sql);
      return statement;
    },
    transaction(fn: unknown) {
      return Object.assign(() => fn, { deferred: fn, immediate: fn, exclusive: fn });
    },
  };
  create({ db, run: () => Promise.reject(new Error('capture only')) } as never);
  return sqls;
}

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

function pick(sqls: string[], name: string, pattern: RegExp, source: string): string {
  const found = sqls.filter((sql) => pattern.test(oneLine(sql)));
  if (found.length !== 1) {
    throw new Error(`S8: expected one ${name} statement (${pattern}) in ${source}, found ${found.length}: the repository changed; update bench/lib/seed-inbox.ts`);
  }
  return oneLine(found[0] as string);
}

/**
 * The statements as Parley's built SQLite repositories prepare them: their factories are called
 * with a stand-in connection that records each db.prepare(sql). So the bare loop runs exactly
 * the benchmarked build's SQL, and a change there that this bench does not know fails loudly.
 */
export async function inboxQueries(): Promise<InboxQueries> {
  const [{ createConversationRepository }, { createUserRepository }] = await Promise.all([
    importDist<ConversationsModule>('store/sqlite/conversations.js'),
    importDist<UsersModule>('store/sqlite/users.js'),
  ]);
  const conversations = capturePrepared((connection) => createConversationRepository(connection));
  const users = capturePrepared((connection) => createUserRepository(connection));
  const from = 'dist/store/sqlite/conversations.js';
  return {
    newestPosition: pick(conversations, 'newest position', /^SELECT max\(last_seq\) FROM conversations WHERE user_id = \?$/, from),
    stablePage: pick(conversations, 'stable page', /WHERE c\.user_id = \? AND c\.last_seq < \? ORDER BY c\.last_seq DESC LIMIT \?$/, from),
    movedSince: pick(conversations, 'moved since', /^SELECT conversation_id FROM conversations WHERE user_id = \? AND last_seq > \?$/, from),
    positionAsOf: pick(conversations, 'position as of', /^SELECT max\(seq\) FROM messages WHERE conversation_id = \? AND seq <= \?$/, from),
    byKey: pick(conversations, 'by key', /WHERE c\.user_id = \? AND c\.conversation_id = \?$/, from),
    usersByIds: pick(users, 'users by ids', /^SELECT \* FROM users WHERE id IN /, 'dist/store/sqlite/users.js'),
  };
}

export interface BareInboxRow {
  conversation_id: string;
  seq: number;
  unread_count: number;
}

export interface BareInboxPage {
  asOf: number;
  entries: { position: number; row: BareInboxRow }[];
  /** Rows moved since the snapshot (each placed with positionAsOf), and those of them read in full (byKey). */
  moved: number;
  fetched: number;
}

/**
 * listInbox of src/store/sqlite/conversations.ts, step for step, on a plain connection: the
 * snapshot, the stable page, the rows moved since the snapshot placed as of it, in one read
 * transaction. Rows stay as SQLite returns them (no mapping to records).
 */
export function createBareInbox(db: Database, queries: InboxQueries) {
  const newestPosition = db.prepare<[string], number | null>(queries.newestPosition).pluck();
  const stablePage = db.prepare<[string, number, number], BareInboxRow>(queries.stablePage);
  const movedSince = db.prepare<[string, number], string>(queries.movedSince).pluck();
  const positionAsOf = db.prepare<[string, number], number | null>(queries.positionAsOf).pluck();
  const byKey = db.prepare<[string, string], BareInboxRow>(queries.byKey);
  return db.transaction((userId: string, asOf: number | undefined, beforePosition: number, limit: number): BareInboxPage => {
    const snapshot = asOf ?? newestPosition.get(userId) ?? 0;
    const bound = Math.min(beforePosition, snapshot + 1);
    const stable = stablePage.all(userId, bound, limit);
    // As the repository: a moved row below a full page's last row cannot make the page; rows are read for the page only.
    const floor = stable.length === limit ? (stable.at(-1)?.seq ?? 0) : 0;
    const placed: { position: number; conversationId: string; row?: BareInboxRow }[] = stable.map((row) => ({ position: row.seq, conversationId: row.conversation_id, row }));
    const moved = movedSince.all(userId, snapshot);
    for (const conversationId of moved) {
      const position = positionAsOf.get(conversationId, snapshot);
      if (position === null || position === undefined || position >= bound || position < floor) continue;
      placed.push({ position, conversationId });
    }
    placed.sort((a, b) => b.position - a.position);
    let fetched = 0;
    const entries: { position: number; row: BareInboxRow }[] = [];
    for (const { position, conversationId, row } of placed.slice(0, limit)) {
      const current = row ?? (fetched++, byKey.get(userId, conversationId));
      if (current) entries.push({ position, row: current });
    }
    return { asOf: snapshot, entries, moved: moved.length, fetched };
  });
}

/** One listing, read-only (for the correctness checks). */
export function bareInboxOnce(dataDir: string, queries: InboxQueries, userId: string, cursor: { asOf: number; before: number } | undefined, limit: number): BareInboxPage {
  const db = new BetterSqlite3(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return createBareInbox(db, queries)(userId, cursor?.asOf, cursor?.before ?? Number.MAX_SAFE_INTEGER, limit);
  } finally {
    db.close();
  }
}
