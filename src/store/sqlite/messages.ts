import type { MessageRepository } from '../../modules/chats/index.js';
import type { Logger } from '../../shared/logger.js';
import type { SqliteConnection } from './connection.js';
import { toStoredMessage, type MessageRow } from './message-rows.js';
import type { MessageWriter } from './message-writer.js';

/** Reads on the event loop's connection; inserts through the writer (group commit on the writer thread). */
export function createMessageRepository({ db, run }: SqliteConnection, writer: MessageWriter, logger: Logger): MessageRepository {
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
    // One writer, one sequence: the store-wide seq is every user's feed position.
    async listFeedAfter(userId, { afterPosition, limit }) {
      const rows = await run(() => forUserAfter.all(userId, afterPosition, userId, afterPosition, userId, limit));
      return rows.map((row) => {
        const message = toStoredMessage(row);
        return { position: message.seq, message };
      });
    },
  };
}
