import type { Conversation, PublicUser } from '../../protocol/events.js';
import type { RateLimiter } from '../../redis/index.js';
import { errors } from '../../shared/errors.js';
import type { BlockRepository, User, UserRepository } from '../users/index.js';
import type { InboxQueryInput } from './chats.schemas.js';
import type { ConversationRecord, ConversationRepository, Watermark } from './conversations.repository.js';
import { decodeInboxCursor, encodeInboxCursor } from './cursor.js';
import type { MessageEvents } from './message-events.js';
import { toPublicMessage } from './messages.repository.js';

export interface ConversationServiceDeps {
  conversations: ConversationRepository;
  users: UserRepository;
  blocks: BlockRepository;
  /** Whether a user has a socket open anywhere; false while presence cannot be read. */
  isOnline: (userId: string) => Promise<boolean>;
  events: MessageEvents;
  /** Counts inbox reads and marks per user, with history and sync. */
  readRateLimiter: RateLimiter;
}

export interface InboxResult {
  conversations: Conversation[];
  nextCursor: string | null;
}

export type ConversationService = ReturnType<typeof createConversationService>;

export function createConversationService({ conversations, users, blocks, isOnline, events, readRateLimiter }: ConversationServiceDeps) {
  /**
   * The public shape, with each peer as the caller sees them: online, or when last seen; neither
   * toward a caller the peer blocks (one store read each for the page's peers, blockers, last seen).
   */
  async function present(userId: string, records: ConversationRecord[]): Promise<Conversation[]> {
    const peerIds = [...new Set(records.map((record) => record.peerId))];
    const others = peerIds.filter((id) => id !== userId);
    const [peers, online, lastSeen, blockers] = await Promise.all([
      users.findByIds(peerIds),
      // While presence cannot be read (Redis away), nobody is reported online rather than failing.
      Promise.all(peerIds.map((id) => isOnline(id).catch(() => false))),
      users.lastSeen(peerIds),
      blocks.blockersAmong(userId, others),
    ]);
    const byId = new Map<string, User>(peers.map((user) => [user.id, user]));
    const onlineById = new Map(peerIds.map((id, index) => [id, online[index] ?? false]));
    const hidden = new Set(blockers);
    return records.map((record) => {
      const peer = byId.get(record.peerId);
      // Users are never deleted and a send checks its receiver exists: a missing peer is a bug.
      if (!peer) throw new Error(`conversation ${record.conversationId} names an unknown peer`);
      const peerOnline = !hidden.has(peer.id) && (onlineById.get(peer.id) ?? false);
      const lastSeenAt = hidden.has(peer.id) || peerOnline ? null : (lastSeen.get(peer.id) ?? null);
      const publicPeer: PublicUser = { ...peer, online: peerOnline, lastSeenAt };
      return {
        id: record.conversationId,
        peer: publicPeer,
        lastMessage: toPublicMessage(record.lastMessage),
        unreadCount: record.unreadCount,
        readUpTo: record.readUpTo,
        peerReadUpTo: record.peerReadUpTo,
        peerDeliveredUpTo: record.peerDeliveredUpTo,
      };
    });
  }

  async function presentOne(userId: string, record: ConversationRecord): Promise<Conversation> {
    const [conversation] = await present(userId, [record]);
    if (!conversation) throw new Error('present returned nothing');
    return conversation;
  }

  /** The inbox, newest activity first; nextCursor continues the same listing (stable while it changes). */
  async function listConversations(userId: string, { limit, before }: InboxQueryInput): Promise<InboxResult> {
    await readRateLimiter.consume(userId);
    const cursor = before === undefined ? undefined : decodeInboxCursor(before);
    const page = await conversations.listInbox(userId, { asOf: cursor?.asOf, beforePosition: cursor?.before, limit: limit + 1 });
    const entries = page.entries.slice(0, limit);
    const last = entries.at(-1);
    const nextCursor = page.entries.length > limit && last ? encodeInboxCursor({ asOf: page.asOf, before: last.position }) : null;
    return { conversations: await present(userId, entries.map((entry) => entry.conversation)), nextCursor };
  }

  async function getConversation(userId: string, conversationId: string): Promise<Conversation> {
    await readRateLimiter.consume(userId);
    const record = await conversations.find(userId, conversationId);
    if (!record) throw errors.notFound('Conversation');
    return presentOne(userId, record);
  }

  /**
   * Moves a watermark forward (read moves delivered along) and tells both participants' sockets
   * what moved. Nothing moved (an older upTo, one's own message): the same answer, no receipt.
   */
  async function mark(userId: string, conversationId: string, watermark: Watermark, upTo: string): Promise<Conversation> {
    await readRateLimiter.consume(userId);
    const result = await conversations.mark(userId, conversationId, watermark, upTo);
    if (!result) throw errors.notFound('Conversation');
    const { conversation, moved } = result;
    const at = new Date().toISOString();
    for (const type of (['delivered', 'read'] as const).filter((kind) => moved.includes(kind))) {
      const movedTo = type === 'read' ? conversation.readUpTo : conversation.deliveredUpTo;
      if (movedTo !== null) events.emit('receipt', { conversationId, userId, peerId: conversation.peerId, type, upTo: movedTo, at });
    }
    return presentOne(userId, conversation);
  }

  /**
   * Who hears of the user's presence: the users they share a conversation with, without anyone
   * who blocks the user or whom the user blocks. Read by the user's conversations, never all users.
   */
  async function presenceAudience(userId: string): Promise<string[]> {
    const contacts = await conversations.peerIds(userId);
    if (contacts.length === 0) return [];
    const [blockers, blocked] = await Promise.all([blocks.blockersAmong(userId, contacts), blocks.listBlocked(userId)]);
    const excluded = new Set([...blockers, ...blocked.map((user) => user.id)]);
    return contacts.filter((id) => !excluded.has(id));
  }

  return { listConversations, getConversation, mark, presenceAudience };
}
