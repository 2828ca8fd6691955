import { LRUCache } from 'lru-cache';
import { errors } from '../../shared/errors.js';
import { peerIn } from './conversation-id.js';
import type { MessageEvents } from './message-events.js';

/** At most one "typing" per user and conversation per this long is forwarded; "stopped" always is. */
export const TYPING_THROTTLE_MS = 1000;

export interface TypingInput {
  conversationId: string;
  isTyping: boolean;
}

export interface TypingServiceDeps {
  events: MessageEvents;
  /** Cached (users/block-cache.ts): typing never waits for the store once a pair is known. */
  eitherBlocks: (userA: string, userB: string) => Promise<boolean>;
  /** A monotonic clock in ms (tests pass their own). */
  now?: () => number;
}

export type TypingService = ReturnType<typeof createTypingService>;

/**
 * Typing indicators: never stored; the conversation id names its two participants, and blocks are
 * read through a cache. Throttled per instance: a user's devices on several instances may each forward
 * one per second, which a receiver cannot tell from one.
 */
export function createTypingService({ events, eitherBlocks, now = () => performance.now() }: TypingServiceDeps) {
  const lastForwarded = new LRUCache<string, number>({ max: 100_000 });

  /**
   * Forwards the indicator to the peer, or drops it quietly (a repeat within the throttle, or
   * while either blocks the other); not_found when the user is not in the conversation.
   */
  async function typing(userId: string, { conversationId, isTyping }: TypingInput): Promise<void> {
    const peerId = peerIn(conversationId, userId);
    if (peerId === undefined) throw errors.notFound('Conversation');
    if (peerId === userId) return; // nobody to tell
    if (await eitherBlocks(userId, peerId)) return;
    if (isTyping) {
      // Per second, whatever "stopped" came between: a client toggling cannot flood its peer.
      const key = `${userId} ${conversationId}`;
      const last = lastForwarded.get(key);
      const at = now();
      if (last !== undefined && at - last < TYPING_THROTTLE_MS) return;
      lastForwarded.set(key, at);
    }
    events.emit('typing', { conversationId, userId, peerId, isTyping });
  }

  return { typing };
}
