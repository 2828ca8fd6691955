import type { ChatMessage } from '../../protocol/events.js';

/** A message as the API shows it, over REST and sockets alike (the protocol's ChatMessage). */
export type Message = ChatMessage;

/**
 * A stored message with its ordering key in its conversation: a positive integer that grows in
 * the order the conversation's messages are stored, the basis of history pagination.
 */
export interface StoredMessage extends Message {
  seq: number;
}

export interface NewMessage {
  conversationId: string;
  senderId: string;
  receiverId: string;
  message: string;
  clientMsgId?: string;
  createdAt: Date;
}

/** A change to a stored message: new text, or its deletion (the text is erased, not hidden). */
export type MessageChange = { kind: 'edit'; message: string; at: Date } | { kind: 'delete'; at: Date };

export interface ChangeResult {
  /** The message in its state after the call. */
  message: StoredMessage;
  /** false when nothing changed: a delete of a deleted message. */
  changed: boolean;
}

export interface InsertResult {
  message: StoredMessage;
  /** false when (senderId, clientMsgId) was already stored: `message` is then the original. */
  created: boolean;
}

export interface ConversationPageQuery {
  /** Only messages with a smaller seq; from the newest when absent. */
  beforeSeq?: number;
  limit: number;
}

export interface SyncPageQuery {
  /** Only entries at a larger position. 0 for everything. */
  afterPosition: number;
  limit: number;
}

/**
 * A message in a user's feed (everything they sent or received), at its position there: a
 * positive integer that grows in the order the user's messages are committed, the basis of
 * sync cursors. How a store numbers it is its own (SQLite: one sequence for the store; MongoDB:
 * a counter per user, so that sends between unrelated users never touch the same document).
 */
export interface FeedEntry {
  position: number;
  message: StoredMessage;
}

/** Storage of messages; implemented by every store driver (src/store/*), held to one contract suite. */
export interface MessageRepository {
  /**
   * Stores the message once per (senderId, clientMsgId); the unique index settles races. Throws
   * AppError blocked, storing nothing, while either participant blocks the other: checked in the
   * send's transaction, before anything is written.
   */
  insert(message: NewMessage): Promise<InsertResult>;
  /** The newest `limit` messages of a conversation before the cursor, newest first. */
  listConversationNewestFirst(conversationId: string, query: ConversationPageQuery): Promise<StoredMessage[]>;
  /**
   * The user's feed after a position, oldest first. Because positions grow in commit order, a
   * reader that has seen position N has seen every committed entry below it.
   */
  listFeedAfter(userId: string, query: SyncPageQuery): Promise<FeedEntry[]>;
  /** The message with this id, in its current state; undefined for an unknown or malformed id. */
  findById(id: string): Promise<StoredMessage | undefined>;
  /**
   * Edits or deletes a message, moving it to the newest position of both participants' feeds in
   * the same transaction, so that a sync from any earlier cursor returns it once, in its new state.
   * Undefined for an unknown id. A deleted message stays deleted: an edit of it throws AppError
   * message_deleted, a delete of it changes nothing. History keeps the message at its place.
   */
  change(id: string, change: MessageChange): Promise<ChangeResult | undefined>;
}

/** The public shape of a stored message. */
export function toPublicMessage({ seq: _seq, ...message }: StoredMessage): Message {
  return message;
}
