import type { Database } from 'better-sqlite3';
import { GroupCommit } from '../../store/group-commit.js';
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

export interface SqliteMessageRepositoryOptions {
  /** How long a batch may wait for the write lock, in ms. */
  lockTimeoutMs: number;
}

export function createSqliteMessageRepository(db: Database, { lockTimeoutMs }: SqliteMessageRepositoryOptions): MessageRepository {
  // OR IGNORE: a repeated (sender_id, client_msg_id) inserts nothing and returns no row.
  const insertOrIgnore = db.prepare<unknown[], MessageRow>(
    `INSERT OR IGNORE INTO messages (conversation_id, sender_id, receiver_id, body, client_msg_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const byClientMsgId = db.prepare<[string, string], MessageRow>(
    'SELECT * FROM messages WHERE sender_id = ? AND client_msg_id = ?',
  );
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

  function insertOne(message: NewMessage): InsertResult {
    const clientMsgId = message.clientMsgId ?? null;
    const row = insertOrIgnore.get(
      message.conversationId,
      message.senderId,
      message.receiverId,
      message.message,
      clientMsgId,
      message.createdAt.toISOString(),
    );
    if (row) return { message: toStoredMessage(row), created: true };
    const existing = clientMsgId === null ? undefined : byClientMsgId.get(message.senderId, clientMsgId);
    if (!existing) throw new Error('message was neither inserted nor found');
    return { message: toStoredMessage(existing), created: false };
  }

  // Every insert of one event-loop turn commits in one transaction: one fsync for the batch.
  const inserts = new GroupCommit<NewMessage, InsertResult>({
    commit: db.transaction((batch: NewMessage[]) => batch.map(insertOne)),
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
