import type { Database, Transaction } from 'better-sqlite3';
import { GroupCommit, inThreadCommit, type BatchCommit } from '../../store/group-commit.js';
import type { InsertResult, MessageRepository, NewMessage, StoredMessage } from './message.js';

/*
 * seq is an AUTOINCREMENT rowid. SQLite has one writer at a time, so seq grows in commit
 * order across every process sharing the file: a reader never sees seq N+1 before seq N.
 */
export const messagesSqliteSchema = `
  CREATE TABLE IF NOT EXISTS messages (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL,
    sender_id       TEXT NOT NULL,
    receiver_id     TEXT NOT NULL,
    body            TEXT NOT NULL,
    client_msg_id   TEXT,
    created_at      TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, seq);
  CREATE INDEX IF NOT EXISTS messages_by_sender ON messages (sender_id, seq);
  CREATE INDEX IF NOT EXISTS messages_by_receiver ON messages (receiver_id, seq);
  CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_msg_id
    ON messages (sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL;
`;

interface MessageRow {
  seq: number;
  conversation_id: string;
  sender_id: string;
  receiver_id: string;
  body: string;
  client_msg_id: string | null;
  created_at: string;
}

function toStoredMessage(row: MessageRow): StoredMessage {
  const message: StoredMessage = {
    id: String(row.seq),
    senderId: row.sender_id,
    receiverId: row.receiver_id,
    message: row.body,
    createdAt: row.created_at,
    conversationId: row.conversation_id,
    seq: row.seq,
  };
  if (row.client_msg_id !== null) message.clientMsgId = row.client_msg_id;
  return message;
}

/** A message to insert, as the columns it is stored in (primitives only: cheap to hand to the writer thread). */
export type MessageInsertRow = [
  conversationId: string,
  senderId: string,
  receiverId: string,
  body: string,
  clientMsgId: string | null,
  createdAt: string,
];

/** Per row: its seq when stored now, or the stored original when (sender, clientMsgId) was already there. */
export type InsertOutcome = number | StoredMessage;

function toInsertRow(message: NewMessage): MessageInsertRow {
  return [
    message.conversationId,
    message.senderId,
    message.receiverId,
    message.message,
    message.clientMsgId ?? null,
    message.createdAt.toISOString(),
  ];
}

function toInsertResult([conversationId, senderId, receiverId, body, clientMsgId, createdAt]: MessageInsertRow, outcome: InsertOutcome): InsertResult {
  if (typeof outcome !== 'number') return { message: outcome, created: false };
  const message: StoredMessage = { id: String(outcome), senderId, receiverId, message: body, createdAt, conversationId, seq: outcome };
  if (clientMsgId !== null) message.clientMsgId = clientMsgId;
  return { message, created: true };
}

/**
 * The insert of a batch of rows as one transaction, on the given connection: the same code
 * runs on the event loop's connection or on the writer thread's (messages.sqlite-writer.ts).
 */
export function createInsertBatch(db: Database): Transaction<(rows: MessageInsertRow[]) => InsertOutcome[]> {
  // OR IGNORE: a repeated (sender_id, client_msg_id) inserts nothing and returns no row.
  const insertOrIgnore = db
    .prepare<MessageInsertRow, number>(
      `INSERT OR IGNORE INTO messages (conversation_id, sender_id, receiver_id, body, client_msg_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING seq`,
    )
    .pluck();
  const byClientMsgId = db.prepare<[string, string], MessageRow>(
    'SELECT * FROM messages WHERE sender_id = ? AND client_msg_id = ?',
  );

  function insertOne(row: MessageInsertRow): InsertOutcome {
    const seq = insertOrIgnore.get(...row);
    if (seq !== undefined) return seq;
    const [, senderId, , , clientMsgId] = row;
    const existing = clientMsgId === null ? undefined : byClientMsgId.get(senderId, clientMsgId);
    if (!existing) throw new Error('message was neither inserted nor found');
    return toStoredMessage(existing);
  }

  return db.transaction((rows: MessageInsertRow[]) => rows.map(insertOne));
}

export interface SqliteMessageRepositoryOptions {
  /** How long a write may wait for the write lock, in ms. */
  lockTimeoutMs: number;
  /**
   * Commits batches somewhere else than on this connection (the writer thread), so that no
   * fsync blocks the event loop. Default: on this connection.
   */
  commitRows?: BatchCommit<MessageInsertRow, InsertOutcome>;
}

export function createSqliteMessageRepository(db: Database, { lockTimeoutMs, commitRows }: SqliteMessageRepositoryOptions): MessageRepository {
  const commitInsertRows = commitRows ?? inThreadCommit(createInsertBatch(db));
  const newestFirst = db.prepare<[string, number, number], MessageRow>(
    'SELECT * FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
  );

  // Two index range scans merged; a message to oneself is taken from the first only.
  const forUserAfter = db.prepare<[string, number, string, number, string, number], MessageRow>(
    `SELECT * FROM (
       SELECT * FROM messages WHERE sender_id = ? AND seq > ?
       UNION ALL
       SELECT * FROM messages WHERE receiver_id = ? AND seq > ? AND sender_id <> ?
     ) ORDER BY seq LIMIT ?`,
  );

  // The inserts that arrive while a batch commits go together in the next: one fsync per batch.
  const inserts = new GroupCommit<NewMessage, InsertResult>({
    async commit(batch, timeoutMs) {
      const rows = batch.map(toInsertRow);
      const outcomes = await commitInsertRows(rows, timeoutMs);
      return rows.map((row, index) => toInsertResult(row, outcomes[index] as InsertOutcome));
    },
    lockTimeoutMs,
  });

  return {
    insert: (message) => inserts.submit(message),
    async listConversationNewestFirst(conversationId, { beforeSeq, limit }) {
      return newestFirst.all(conversationId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit).map(toStoredMessage);
    },
    async listForUserAfter(userId, { afterSeq, limit }) {
      return forUserAfter.all(userId, afterSeq, userId, afterSeq, userId, limit).map(toStoredMessage);
    },
  };
}
