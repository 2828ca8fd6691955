import type { RateLimiter } from '../../redis/index.js';
import { errors } from '../../shared/errors.js';
import type { MessageEvents } from './message-events.js';
import { toPublicMessage, type Message, type MessageRepository, type StoredMessage } from './messages.repository.js';

export interface MessageChangeServiceDeps {
  messages: Pick<MessageRepository, 'findById' | 'change'>;
  events: MessageEvents;
  /** Edits and deletions count with sends. */
  sendRateLimiter: RateLimiter;
  editWindowSeconds: number;
}

export type MessageChangeService = ReturnType<typeof createMessageChangeService>;

/** Edit and delete: the sender's own messages only; both participants see the new state live and in sync. */
export function createMessageChangeService({ messages, events, sendRateLimiter, editWindowSeconds }: MessageChangeServiceDeps) {
  /** The caller's own message: not_found for one they cannot see (the same as for none), forbidden for the peer's. */
  async function ownMessage(userId: string, messageId: string): Promise<StoredMessage> {
    const message = await messages.findById(messageId);
    if (!message || (message.senderId !== userId && message.receiverId !== userId)) throw errors.notFound('Message');
    if (message.senderId !== userId) throw errors.forbidden('Only the sender can change a message');
    return message;
  }

  function announce(message: Message, changed: boolean): Message {
    if (changed) events.emit('updated', message);
    return message;
  }

  async function editMessage(userId: string, messageId: string, text: string): Promise<Message> {
    await sendRateLimiter.consume(userId);
    const message = await ownMessage(userId, messageId);
    if (message.deletedAt !== undefined) throw errors.messageDeleted();
    if (Date.now() - Date.parse(message.createdAt) > editWindowSeconds * 1000) throw errors.editWindowClosed(editWindowSeconds);
    const result = await messages.change(messageId, { kind: 'edit', message: text, at: new Date() });
    if (!result) throw errors.notFound('Message');
    return announce(toPublicMessage(result.message), result.changed);
  }

  /** Erases the text; deleting again answers the same tombstone and announces nothing. */
  async function deleteMessage(userId: string, messageId: string): Promise<Message> {
    await sendRateLimiter.consume(userId);
    await ownMessage(userId, messageId);
    const result = await messages.change(messageId, { kind: 'delete', at: new Date() });
    if (!result) throw errors.notFound('Message');
    return announce(toPublicMessage(result.message), result.changed);
  }

  return { editMessage, deleteMessage };
}
