import type { MessageRepository } from '../../modules/chats/index.js';
import { errors } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { SqliteConnection } from './connection.js';
import { toStoredMessage, type MessageRow } from './message-rows.js';
import type { MessageWriter } from './message-writer.js';

type FeedRow = MessageRow & { pos: number };

const seqOfId = (id: string): number | undefined => (/^[1-9]\d{0,15}$/.test(id) ? Number(id) : undefined);

/**
 * Reads on the event loop's connection; inserts through the writer (group commit on the writer
 * thread); edits and deletions on the event loop's connection, in an IMMEDIATE transaction.
 */
export function createMessageRepository({ db, run }: SqliteConnection, writer: MessageWriter, logger: Logger): MessageRepository {
  const newestFirst = db.prepare<[string, number, number], MessageRow>(
    'SELECT * FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
  );

  /*
   * A message's feed position is its seq until a change moves it to changed_pos (a later value of
   * the same sequence). Four index range scans merged: unchanged messages by seq, changed ones by
   * changed_pos (partial indexes); a message to oneself is taken from the sender's side only.
   */
  const forUserAfter = db.prepare<[string, number, string, number, string, string, number, string, number, string, number], FeedRow>(
    `SELECT * FROM (
       SELECT *, seq AS pos FROM messages WHERE sender_id = ? AND seq > ? AND changed_pos IS NULL
       UNION ALL
       SELECT *, seq AS pos FROM messages WHERE receiver_id = ? AND seq > ? AND changed_pos IS NULL AND sender_id <> ?
       UNION ALL
       SELECT *, changed_pos AS pos FROM messages WHERE sender_id = ? AND changed_pos > ?
       UNION ALL
       SELECT *, changed_pos AS pos FROM messages WHERE receiver_id = ? AND changed_pos > ? AND sender_id <> ?
     ) ORDER BY pos LIMIT ?`,
  );

  const bySeq = db.prepare<[number], MessageRow>('SELECT * FROM messages WHERE seq = ?');
  // The next value of the messages' AUTOINCREMENT sequence, taken for a change: every later insert
  // gets a larger seq, so feed positions keep growing in commit order (one writer at a time).
  const nextPosition = db.prepare<[], number>("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'messages' RETURNING seq").pluck();
  const setEdited = db.prepare<[string, string, number, number]>(
    'UPDATE messages SET body = ?, edited_at = ?, changed_pos = ? WHERE seq = ? AND deleted_at IS NULL',
  );
  const setDeleted = db.prepare<[string, number, number]>(
    "UPDATE messages SET body = '', deleted_at = ?, changed_pos = ? WHERE seq = ? AND deleted_at IS NULL",
  );

  /** editedAt grows with every edit, even two in one millisecond (or from a clock behind): clients order versions by it. */
  const laterThan = (previous: string | null, at: string): string =>
    previous !== null && previous >= at ? new Date(Date.parse(previous) + 1).toISOString() : at;

  const change = db.transaction((seq: number, kind: 'edit' | 'delete', text: string, at: string) => {
    const current = bySeq.get(seq);
    if (!current) return undefined;
    if (current.deleted_at !== null) {
      if (kind === 'edit') throw errors.messageDeleted();
      return { message: toStoredMessage(current), changed: false };
    }
    const position = nextPosition.get() as number;
    if (kind === 'edit') setEdited.run(text, laterThan(current.edited_at, at), position, seq);
    else setDeleted.run(at, position, seq);
    return { message: toStoredMessage(bySeq.get(seq) as MessageRow), changed: true };
  });

  return {
    insert(message) {
      // Logged here, in the caller's request context; the commit happens in a batch of many.
      logger.debug({ conversationId: message.conversationId, clientMsgId: message.clientMsgId }, 'message queued for commit');
      return writer.insert(message);
    },
    async listConversationNewestFirst(conversationId, { beforeSeq, limit }) {
      const rows = await run(() => newestFirst.all(conversationId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit));
      return rows.map(toStoredMessage);
    },
    // One writer, one sequence: the store-wide seq (or a change's later value of it) is every user's feed position.
    async listFeedAfter(userId, { afterPosition: after, limit }) {
      const rows = await run(() => forUserAfter.all(userId, after, userId, after, userId, userId, after, userId, after, userId, limit));
      return rows.map((row) => ({ position: row.pos, message: toStoredMessage(row) }));
    },
    async findById(id) {
      const seq = seqOfId(id);
      const row = seq === undefined ? undefined : await run(() => bySeq.get(seq));
      return row && toStoredMessage(row);
    },
    async change(id, messageChange) {
      const seq = seqOfId(id);
      if (seq === undefined) return undefined;
      const text = messageChange.kind === 'edit' ? messageChange.message : '';
      return run(() => change.immediate(seq, messageChange.kind, text, messageChange.at.toISOString()));
    },
  };
}
