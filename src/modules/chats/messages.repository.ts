import type { ChatMessage } from '../../protocol/events.js';

/** A message as the API shows it, over REST and sockets alike (the protocol's ChatMessage). */
export type Message = ChatMessage;

/**
 * A stored message with its ordering key: a positive integer that grows in the order
 * messages are stored, the basis of history pagination and of sync cursors.
 */
export interface StoredMessage extends Message {
  conversationId: string;
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
  /** Only messages with a larger seq. 0 for everything. */
  afterSeq: number;
  limit: number;
}

/** Storage of messages; implemented by every store driver (src/store/*), held to one contract suite. */
export interface MessageRepository {
  /** Stores the message once per (senderId, clientMsgId); the unique index settles races. */
  insert(message: NewMessage): Promise<InsertResult>;
  /** The newest `limit` messages of a conversation before the cursor, newest first. */
  listConversationNewestFirst(conversationId: string, query: ConversationPageQuery): Promise<StoredMessage[]>;
  /**
   * The messages a user sent or received after a seq, oldest first. Because seq grows in
   * commit order, a reader that has seen seq N has seen every committed message below it.
   */
  listForUserAfter(userId: string, query: SyncPageQuery): Promise<StoredMessage[]>;
}

/** The public shape of a stored message. */
export function toPublicMessage({ conversationId: _conversationId, seq: _seq, ...message }: StoredMessage): Message {
  return message;
}
