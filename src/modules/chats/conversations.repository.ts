import type { StoredMessage } from './messages.repository.js';

/**
 * One user's side of a direct conversation, as the store keeps it: a row per (user, conversation)
 * written in the transaction of every send (its last message, the receiver's unread count), and
 * the watermarks each participant moves. Watermarks are message ids of the peer's messages (a
 * user never marks their own), or null; they only move forward, in the conversation's order.
 */
export interface ConversationRecord {
  conversationId: string;
  userId: string;
  /** The other participant; the user themselves in a conversation with oneself. */
  peerId: string;
  /** The latest message's position in the user's feed (the inbox's order). */
  position: number;
  lastMessage: StoredMessage;
  /** The peer's messages after readUpTo. */
  unreadCount: number;
  readUpTo: string | null;
  deliveredUpTo: string | null;
  peerReadUpTo: string | null;
  peerDeliveredUpTo: string | null;
}

export interface InboxQuery {
  /**
   * The snapshot the pages are cut from: the user's feed position when the first page was read.
   * Absent for a first page (the store takes the current one).
   */
  asOf?: number;
  /** Only conversations whose position as of the snapshot is smaller; from the top when absent. */
  beforePosition?: number;
  limit: number;
}

export interface InboxEntry {
  /** The conversation's place in the list as of the snapshot (its latest message then). */
  position: number;
  conversation: ConversationRecord;
}

export interface InboxPage {
  /** The snapshot used: pass it back with the next page's query. */
  asOf: number;
  /** Newest activity first, by position as of the snapshot; conversations in their current state. */
  entries: InboxEntry[];
}

export type Watermark = 'read' | 'delivered';

export interface MarkResult {
  conversation: ConversationRecord;
  /** The watermarks that moved ("read" moves "delivered" along when it is behind); empty when none did. */
  moved: Watermark[];
}

/**
 * Storage of conversations; implemented by every store driver (src/store/*), held to one
 * contract suite (test/conformance/conversations-contract.ts).
 *
 * Paging is stable under concurrent sends: every page of one listing is cut from the same
 * snapshot (`asOf`), each conversation placed where its latest message was then. A conversation
 * that moves up after the first page keeps its old place in this listing (shown in its current
 * state), so none is skipped or repeated; one that starts after the snapshot appears in the
 * next listing (and live, by receive_message).
 */
export interface ConversationRepository {
  /** The user's conversations that hold a message, newest activity first, as described above. */
  listInbox(userId: string, query: InboxQuery): Promise<InboxPage>;
  /** The user's side of the conversation; undefined when it holds no message (or is not theirs). */
  find(userId: string, conversationId: string): Promise<ConversationRecord | undefined>;
  /**
   * Moves the user's watermark forward to `upTo`, in one transaction with the unread count
   * (recounted for "read"). Undefined when the user has no such conversation; AppError
   * validation_failed when `upTo` is not a message of it. A message of the user's own, or one
   * at or behind the watermark, changes nothing (moved: []).
   */
  mark(userId: string, conversationId: string, watermark: Watermark, upTo: string): Promise<MarkResult | undefined>;
  /**
   * The user's contacts: every other participant of the user's conversations (each once, in no
   * particular order; never the user, even with a conversation with oneself). Read by the user's
   * index, never by scanning users.
   */
  peerIds(userId: string): Promise<string[]>;
}
