import { LRUCache } from 'lru-cache';
import type { RateLimiter } from '../../redis/index.js';
import { errors } from '../../shared/errors.js';
import type { LoadShedder } from '../../shared/load-shedder.js';
import type { Logger } from '../../shared/logger.js';
import type { UserRepository } from '../users/index.js';
import type { SendMessageInput, SyncQuery } from './chats.schemas.js';
import { directConversationId } from './conversation-id.js';
import { decodeHistoryCursor, decodeSyncCursor, encodeHistoryCursor, encodeSyncCursor } from './cursor.js';
import type { MessageEvents } from './message-events.js';
import { toPublicMessage, type InsertResult, type Message, type MessageRepository } from './messages.repository.js';

export interface ChatServiceDeps {
  users: UserRepository;
  messages: MessageRepository;
  events: MessageEvents;
  sendRateLimiter: RateLimiter;
  /** Counts history pages and syncs per user. */
  readRateLimiter: RateLimiter;
  /** Refuses sends while the process is past its capacity; counts each send's wait for its commit. */
  loadShedder: Pick<LoadShedder, 'shouldShed' | 'begin' | 'end'>;
  logger: Logger;
}

export interface SendResult {
  message: Message;
  /** false when this was a retry of an already stored (sender, clientMsgId). */
  created: boolean;
}

export interface HistoryPage {
  messages: Message[];
  nextCursor: string | null;
}

export interface SyncPage {
  messages: Message[];
  /** Covers everything returned: pass it as `since` next time. */
  cursor: string;
  /** The limit cut the page: sync again at once for the rest. */
  hasMore: boolean;
}

export interface HistoryQuery {
  userId: string;
  withUserId: string;
  limit: number;
  before?: string;
}

export type ChatService = ReturnType<typeof createChatService>;

export function createChatService({ users, messages, events, sendRateLimiter, readRateLimiter, loadShedder, logger }: ChatServiceDeps) {
  // Users are never deleted, so a user seen once exists for good: no store read per send.
  const knownUsers = new LRUCache<string, true>({ max: 100_000 });

  async function requireUser(userId: string): Promise<void> {
    if (!(await users.findById(userId))) throw errors.userNotFound();
    knownUsers.set(userId, true);
  }

  /**
   * The one send path, for REST and sockets alike: validate, store once, then announce. The store
   * refuses a send between users who block each other (403 blocked) in the send's transaction.
   */
  async function sendMessage(senderId: string, input: SendMessageInput): Promise<SendResult> {
    if (loadShedder.shouldShed()) throw errors.overloaded();
    await sendRateLimiter.consume(senderId);
    if (!knownUsers.has(input.receiverId)) await requireUser(input.receiverId); // no await on the hot path
    const work = loadShedder.begin();
    let inserted: InsertResult;
    try {
      inserted = await messages.insert({
        conversationId: directConversationId(senderId, input.receiverId),
        senderId,
        receiverId: input.receiverId,
        message: input.message,
        clientMsgId: input.clientMsgId,
        createdAt: new Date(),
      });
    } finally {
      loadShedder.end(work); // a try, not the promise's finally(): no closure and two promises fewer per send
    }
    const { message: stored, created } = inserted;
    const message = toPublicMessage(stored);
    logger.debug({ messageId: message.id, created }, 'message sent');
    if (created) events.emit('created', message);
    return { message, created };
  }

  /** One page of a conversation, oldest first; nextCursor fetches the page before it. */
  async function getHistory({ userId, withUserId, limit, before }: HistoryQuery): Promise<HistoryPage> {
    await readRateLimiter.consume(userId);
    const beforeSeq = before === undefined ? undefined : decodeHistoryCursor(before);
    if (!knownUsers.has(withUserId)) await requireUser(withUserId);
    const newestFirst = await messages.listConversationNewestFirst(directConversationId(userId, withUserId), {
      beforeSeq,
      limit: limit + 1,
    });
    const page = newestFirst.slice(0, limit);
    const oldest = page.at(-1);
    const nextCursor = newestFirst.length > limit && oldest ? encodeHistoryCursor(oldest.seq) : null;
    return { messages: page.reverse().map(toPublicMessage), nextCursor };
  }

  /**
   * Everything the user sent or received after the cursor, in commit order. Feed positions grow
   * in commit order in both stores, so nothing committed later can land behind a cursor.
   */
  async function sync(userId: string, { since, limit }: SyncQuery): Promise<SyncPage> {
    await readRateLimiter.consume(userId);
    const afterPosition = since === undefined ? 0 : decodeSyncCursor(since);
    const entries = await messages.listFeedAfter(userId, { afterPosition, limit: limit + 1 });
    const page = entries.slice(0, limit);
    return {
      messages: page.map((entry) => toPublicMessage(entry.message)),
      cursor: encodeSyncCursor(page.at(-1)?.position ?? afterPosition),
      hasMore: entries.length > limit,
    };
  }

  return { sendMessage, getHistory, sync };
}
