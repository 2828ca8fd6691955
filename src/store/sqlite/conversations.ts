import type { ConversationRecord, ConversationRepository, InboxEntry, MarkResult, Watermark } from '../../modules/chats/index.js';
import { errors } from '../../shared/errors.js';
import type { SqliteConnection } from './connection.js';
import { toStoredMessage, type MessageRow } from './message-rows.js';

/** A conversation row joined with its last message and the peer's watermarks. */
interface ConversationRow extends MessageRow {
  owner_id: string;
  peer_id: string;
  unread_count: number;
  read_seq: number;
  delivered_seq: number;
  peer_read_seq: number | null;
  peer_delivered_seq: number | null;
}

const SELECT_RECORD = `
  SELECT m.*, c.user_id AS owner_id, c.peer_id, c.unread_count, c.read_seq, c.delivered_seq,
         p.read_seq AS peer_read_seq, p.delivered_seq AS peer_delivered_seq
  FROM conversations c
  JOIN messages m ON m.seq = c.last_seq
  LEFT JOIN conversations p ON p.user_id = c.peer_id AND p.conversation_id = c.conversation_id`;

/** A message id is its seq; 0 means "no watermark". */
const idOf = (seq: number | null): string | null => (seq ? String(seq) : null);
const seqOfId = (id: string): number | undefined => (/^[1-9]\d{0,15}$/.test(id) ? Number(id) : undefined);

function toRecord(row: ConversationRow): ConversationRecord {
  const lastMessage = toStoredMessage(row);
  return {
    conversationId: row.conversation_id,
    userId: row.owner_id,
    peerId: row.peer_id,
    position: lastMessage.seq,
    lastMessage,
    unreadCount: row.unread_count,
    readUpTo: idOf(row.read_seq),
    deliveredUpTo: idOf(row.delivered_seq),
    peerReadUpTo: idOf(row.peer_read_seq),
    peerDeliveredUpTo: idOf(row.peer_delivered_seq),
  };
}

/**
 * The store-wide seq is every user's feed position (messages.ts), so a conversation's position
 * is its last message's seq, and its position as of a snapshot the largest seq of its messages
 * at or below the snapshot. Reads run in one read transaction, so a page is one consistent view.
 * Marks run on the event loop's connection in an IMMEDIATE transaction: they queue with the
 * writer thread's sends for the write lock, so a recount never misses a concurrent send.
 */
export function createConversationRepository({ db, run }: SqliteConnection): ConversationRepository {
  const newestPosition = db.prepare<[string], number | null>('SELECT max(last_seq) FROM conversations WHERE user_id = ?').pluck();
  const stablePage = db.prepare<[string, number, number], ConversationRow>(
    `${SELECT_RECORD} WHERE c.user_id = ? AND c.last_seq < ? ORDER BY c.last_seq DESC LIMIT ?`,
  );
  const movedSince = db.prepare<[string, number], string>('SELECT conversation_id FROM conversations WHERE user_id = ? AND last_seq > ?').pluck();
  const positionAsOf = db.prepare<[string, number], number | null>('SELECT max(seq) FROM messages WHERE conversation_id = ? AND seq <= ?').pluck();
  const byKey = db.prepare<[string, string], ConversationRow>(`${SELECT_RECORD} WHERE c.user_id = ? AND c.conversation_id = ?`);
  const messageAt = db.prepare<[number], Pick<MessageRow, 'conversation_id' | 'sender_id'>>(
    'SELECT conversation_id, sender_id FROM messages WHERE seq = ?',
  );
  // "+sender_id": by the conversation index, never the sender's (which would walk everything the
  // peer sent in every conversation since the watermark).
  const peerMessagesAfter = db
    .prepare<[string, number, string], number>('SELECT count(*) FROM messages WHERE conversation_id = ? AND seq > ? AND +sender_id = ?')
    .pluck();
  const setRead = db.prepare<[number, number, number, string, string]>(
    'UPDATE conversations SET read_seq = ?, delivered_seq = max(delivered_seq, ?), unread_count = ? WHERE user_id = ? AND conversation_id = ?',
  );
  const peersOf = db.prepare<[string, string], string>('SELECT DISTINCT peer_id FROM conversations WHERE user_id = ? AND peer_id <> ?').pluck();
  const setDelivered = db.prepare<[number, string, string]>('UPDATE conversations SET delivered_seq = ? WHERE user_id = ? AND conversation_id = ?');

  const listInbox = db.transaction((userId: string, asOf: number | undefined, beforePosition: number, limit: number) => {
    const snapshot = asOf ?? newestPosition.get(userId) ?? 0;
    const bound = Math.min(beforePosition, snapshot + 1);
    const stable = stablePage.all(userId, bound, limit);
    // A full page ends at its last row: a moved row placed below it cannot make this page.
    const floor = stable.length === limit ? (stable.at(-1)?.seq ?? 0) : 0;
    const placed: { position: number; conversationId: string; row?: ConversationRow }[] = stable.map((row) => ({
      position: row.seq,
      conversationId: row.conversation_id,
      row,
    }));
    // Rows that moved above the snapshot after it was taken keep their place as of the snapshot.
    for (const conversationId of movedSince.all(userId, snapshot)) {
      const position = positionAsOf.get(conversationId, snapshot);
      // None: it started after the snapshot. At or above the bound: listed on an earlier page.
      if (position === null || position === undefined || position >= bound || position < floor) continue;
      placed.push({ position, conversationId });
    }
    placed.sort((a, b) => b.position - a.position);
    const entries: InboxEntry[] = [];
    for (const { position, conversationId, row } of placed.slice(0, limit)) {
      const current = row ?? byKey.get(userId, conversationId);
      if (current) entries.push({ position, conversation: toRecord(current) });
    }
    return { asOf: snapshot, entries };
  });

  const mark = db.transaction((userId: string, conversationId: string, watermark: Watermark, upTo: string): MarkResult | undefined => {
    const row = byKey.get(userId, conversationId);
    if (!row) return undefined;
    const seq = seqOfId(upTo);
    const target = seq === undefined ? undefined : messageAt.get(seq);
    if (seq === undefined || target?.conversation_id !== conversationId) throw errors.validation('upTo: not a message of this conversation');
    const moved: Watermark[] = [];
    if (target.sender_id !== userId) {
      if (watermark === 'read' && seq > row.read_seq) {
        setRead.run(seq, seq, peerMessagesAfter.get(conversationId, seq, row.peer_id) ?? 0, userId, conversationId);
        moved.push('read');
        if (seq > row.delivered_seq) moved.push('delivered');
      } else if (watermark === 'delivered' && seq > row.delivered_seq) {
        setDelivered.run(seq, userId, conversationId);
        moved.push('delivered');
      }
    }
    const current = moved.length > 0 ? byKey.get(userId, conversationId) : row;
    return { conversation: toRecord(current ?? row), moved };
  });

  return {
    listInbox: (userId, { asOf, beforePosition, limit }) =>
      run(() => listInbox(userId, asOf, beforePosition ?? Number.MAX_SAFE_INTEGER, limit)),
    async find(userId, conversationId) {
      const row = await run(() => byKey.get(userId, conversationId));
      return row && toRecord(row);
    },
    mark: (userId, conversationId, watermark, upTo) => run(() => mark.immediate(userId, conversationId, watermark, upTo)),
    peerIds: (userId) => run(() => peersOf.all(userId, userId)),
  };
}
