import type { Database, Transaction } from 'better-sqlite3';
import type { InsertResult, NewMessage, StoredMessage } from '../../modules/chats/index.js';
import { errors, type AppError } from '../../shared/errors.js';

/** A message as the `messages` table holds it. */
export interface MessageRow {
  seq: number;
  conversation_id: string;
  sender_id: string;
  receiver_id: string;
  body: string;
  client_msg_id: string | null;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  changed_pos: number | null;
}

export function toStoredMessage(row: MessageRow): StoredMessage {
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
  if (row.edited_at !== null) message.editedAt = row.edited_at;
  if (row.deleted_at !== null) message.deletedAt = row.deleted_at;
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

/**
 * Per row: its seq when stored now, the stored original when (sender, clientMsgId) was already
 * there, or BLOCKED when either participant blocks the other (nothing stored).
 */
export const BLOCKED = 'blocked';
export type InsertOutcome = number | StoredMessage | typeof BLOCKED;

export function toInsertRow(message: NewMessage): MessageInsertRow {
  return [
    message.conversationId,
    message.senderId,
    message.receiverId,
    message.message,
    message.clientMsgId ?? null,
    message.createdAt.toISOString(),
  ];
}

/** A row's outcome as the repository answers it: the result, or the AppError its caller gets. */
export function toInsertResult(
  [conversationId, senderId, receiverId, body, clientMsgId, createdAt]: MessageInsertRow,
  outcome: InsertOutcome,
): InsertResult | AppError {
  if (outcome === BLOCKED) return errors.blocked();
  if (typeof outcome !== 'number') return { message: outcome, created: false };
  const message: StoredMessage = { id: String(outcome), senderId, receiverId, message: body, createdAt, conversationId, seq: outcome };
  if (clientMsgId !== null) message.clientMsgId = clientMsgId;
  return { message, created: true };
}

/**
 * The insert of a batch of rows as one transaction, run on the writer thread's connection,
 * each with its participants' conversation rows (so the inbox never disagrees with the messages).
 * seq is an AUTOINCREMENT rowid: SQLite has one writer at a time, so seq grows in commit
 * order across every process sharing the file, and a reader never sees seq N+1 before seq N.
 */
export function createInsertBatch(db: Database): Transaction<(rows: MessageInsertRow[]) => InsertOutcome[]> {
  // OR IGNORE: a repeated (sender_id, client_msg_id) inserts nothing and returns no row.
  const insertOrIgnore = db
    .prepare<MessageInsertRow, number>(
      `INSERT OR IGNORE INTO messages (conversation_id, sender_id, receiver_id, body, client_msg_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING seq`,
    )
    .pluck();
  const byClientMsgId = db.prepare<[string, string], MessageRow>('SELECT * FROM messages WHERE sender_id = ? AND client_msg_id = ?');
  const eitherBlocks = db
    .prepare<[string, string, string, string], number>(
      'SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ? UNION ALL SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ? LIMIT 1',
    )
    .pluck();
  // Each participant's conversation row: the last message, and one more unread for the receiver.
  const touchConversation = db.prepare<[userId: string, conversationId: string, peerId: string, seq: number, unread: number]>(
    `INSERT INTO conversations (user_id, conversation_id, peer_id, last_seq, unread_count) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (user_id, conversation_id) DO UPDATE SET last_seq = excluded.last_seq, unread_count = unread_count + excluded.unread_count`,
  );

  /** Each participant's conversation row as the batch leaves it: one upsert per row however many messages it got. */
  type Touch = { userId: string; conversationId: string; peerId: string; seq: number; unread: number };

  function touch(touched: Map<string, Touch>, userId: string, conversationId: string, peerId: string, seq: number, unread: number): void {
    const key = `${userId} ${conversationId}`;
    const earlier = touched.get(key);
    if (earlier) {
      earlier.seq = seq; // rows are inserted in order: the later one is the last message
      earlier.unread += unread;
    } else {
      touched.set(key, { userId, conversationId, peerId, seq, unread });
    }
  }

  function insertOne(row: MessageInsertRow, touched: Map<string, Touch>): InsertOutcome {
    // In the transaction, before anything is written: a block committed before it is always seen.
    // A retry of a send stored before the block still answers its original, as every retry does.
    if (row[1] !== row[2] && eitherBlocks.get(row[1], row[2], row[2], row[1]) !== undefined) return storedOriginal(row) ?? BLOCKED;
    const seq = insertOrIgnore.get(...row);
    if (seq !== undefined) {
      const [conversationId, senderId, receiverId] = row;
      touch(touched, senderId, conversationId, receiverId, seq, 0);
      if (receiverId !== senderId) touch(touched, receiverId, conversationId, senderId, seq, 1);
      return seq;
    }
    const existing = storedOriginal(row);
    if (!existing) throw new Error('message was neither inserted nor found');
    return existing;
  }

  function storedOriginal([, senderId, , , clientMsgId]: MessageInsertRow): StoredMessage | undefined {
    const existing = clientMsgId === null ? undefined : byClientMsgId.get(senderId, clientMsgId);
    return existing && toStoredMessage(existing);
  }

  function insertAll(rows: MessageInsertRow[]): InsertOutcome[] {
    const touched = new Map<string, Touch>();
    const outcomes = rows.map((row) => insertOne(row, touched));
    for (const { userId, conversationId, peerId, seq, unread } of touched.values()) touchConversation.run(userId, conversationId, peerId, seq, unread);
    return outcomes;
  }

  return db.transaction(insertAll);
}
