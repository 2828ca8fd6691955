/**
 * The realtime protocol: every event and payload, typed, and the error codes every answer
 * uses. A TypeScript client can import this module alone (its only runtime code is the
 * error catalogue and the lists of event names):
 *
 *   import type { ClientToServerEvents, ServerToClientEvents } from 'parley/events';
 *   const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token } });
 */
import type { ErrorBody } from './error-codes.js';

export { ERROR_CATALOGUE, ERROR_CODES, type ErrorBody, type ErrorCode } from './error-codes.js';

export interface ChatMessage {
  id: string;
  /** The conversation it belongs to: the same opaque id for both participants, stable forever. */
  conversationId: string;
  senderId: string;
  receiverId: string;
  message: string;
  /** ISO-8601 UTC, as Date.prototype.toISOString writes it. */
  createdAt: string;
  clientMsgId?: string;
  /**
   * When its text was last edited (ISO-8601 UTC); absent when never edited. It grows with every edit
   * (by a millisecond when two fall in one), so a client orders versions of a message by it.
   */
  editedAt?: string;
  /** When it was deleted; its text is then "" (erased from the store). Absent while not deleted. */
  deletedAt?: string;
}

/**
 * Every client-to-server payload may carry a correlation id of the client's choosing
 * (1-128 characters of [A-Za-z0-9._:-], like the X-Request-Id header); the server logs the
 * event's work under it, or under one it makes up.
 */
export interface Correlated {
  requestId?: string;
}

export interface SendMessagePayload extends Correlated {
  receiverId: string;
  message: string;
  /** Makes retries safe: the same (sender, clientMsgId) is stored once. */
  clientMsgId?: string;
}

export type AckOk<T> = { ok: true } & T;
export interface AckFailure {
  ok: false;
  error: ErrorBody;
}
export type Ack<T> = AckOk<T> | AckFailure;

export type SendMessageAck = Ack<{ message: ChatMessage }>;

export interface SyncRequest extends Correlated {
  /** The cursor of the previous sync; from the start when absent. */
  since?: string;
  /** Default 100, at most 500. */
  limit?: number;
}

export type SyncAck = Ack<{ messages: ChatMessage[]; cursor: string; hasMore: boolean }>;

/** A user as others see them. */
export interface PublicUser {
  id: string;
  username: string;
  createdAt: string;
  /** Has at least one socket open on some instance. */
  online: boolean;
  /**
   * When the user's last socket closed (ISO-8601 UTC), as last announced and stored; null while
   * online, for a user never seen offline, and toward a user they block.
   */
  lastSeenAt: string | null;
}

/**
 * One of the caller's conversations, as the inbox lists it. The `...UpTo` fields are message
 * ids (of the other participant's messages) or null; they only move forward.
 */
export interface Conversation {
  id: string;
  peer: PublicUser;
  lastMessage: ChatMessage;
  /** The peer's messages after readUpTo. */
  unreadCount: number;
  /** The caller has read up to this message. */
  readUpTo: string | null;
  /** The peer has read up to this message of the caller's. */
  peerReadUpTo: string | null;
  /** A device of the peer has the caller's messages up to this one. */
  peerDeliveredUpTo: string | null;
}

export interface MarkPayload extends Correlated {
  conversationId: string;
  /** A message of the conversation (the peer's; marking one's own changes nothing). */
  upTo: string;
}

export type MarkAck = Ack<{ conversation: Conversation }>;

export type ReceiptType = 'delivered' | 'read';

/**
 * A watermark moved: `userId` has had (delivered) or read the conversation's messages up to
 * `upTo`. Sent to both participants' sockets; a read that also moves delivered sends both.
 */
export interface ReceiptEvent {
  conversationId: string;
  userId: string;
  type: ReceiptType;
  upTo: string;
  /** When it moved, ISO-8601 UTC. */
  at: string;
}

export interface TypingPayload extends Correlated {
  conversationId: string;
  /** true while typing (repeat every few seconds); false when stopped. */
  isTyping: boolean;
}

export type TypingAck = Ack<object>;

/**
 * The peer is typing (or stopped). At most one `isTyping: true` per second per user and
 * conversation is forwarded; treat typing as stopped after 6 s without a repeat.
 */
export interface TypingEvent {
  conversationId: string;
  userId: string;
  isTyping: boolean;
}

/**
 * A contact (someone the user shares a conversation with) came online (their first socket on any
 * instance) or went offline (their last socket closed, and none reopened within PRESENCE_GRACE
 * seconds, or their instance died). Live and best effort: read GET /users/:id for the state.
 */
export interface PresenceEvent {
  userId: string;
  online: boolean;
  /** When the last socket closed (ISO-8601 UTC); null when online. */
  lastSeenAt: string | null;
}

export interface EditMessagePayload extends Correlated {
  messageId: string;
  message: string;
}

export interface DeleteMessagePayload extends Correlated {
  messageId: string;
}

export type ChangeMessageAck = Ack<{ message: ChatMessage }>;

export interface MessageErrorEvent {
  clientMsgId?: string;
  error: ErrorBody;
}

export interface ClientToServerEvents {
  /** The ack is optional on the wire; typed as given so `socket.timeout(ms).emit(...)` works. */
  send_message: (payload: SendMessagePayload, ack: (response: SendMessageAck) => void) => void;
  /** Everything sent or received after `since`, in commit order (same as GET /sync). */
  sync: (request: SyncRequest, ack: (response: SyncAck) => void) => void;
  /** Moves the caller's read watermark (and delivered with it) forward (same as POST /conversations/:id/read). */
  mark_read: (payload: MarkPayload, ack: (response: MarkAck) => void) => void;
  /** Moves the caller's delivered watermark forward (same as POST /conversations/:id/delivered). */
  mark_delivered: (payload: MarkPayload, ack: (response: MarkAck) => void) => void;
  /** Edits one's own message (same as PATCH /messages/:id). */
  edit_message: (payload: EditMessagePayload, ack: (response: ChangeMessageAck) => void) => void;
  /** Deletes one's own message (same as DELETE /messages/:id). */
  delete_message: (payload: DeleteMessagePayload, ack: (response: ChangeMessageAck) => void) => void;
  /** Tells the peer's sockets the caller is typing (or stopped); the ack is optional. Never stored. */
  typing: (payload: TypingPayload, ack: (response: TypingAck) => void) => void;
}

export interface ServerToClientEvents {
  /** A message for this user, to every socket of the receiver on every instance. */
  receive_message: (message: ChatMessage) => void;
  /** A message this user sent (from any device or over REST), to every socket of the sender. */
  message_sent: (message: ChatMessage) => void;
  /** A send_message from this socket failed; the ack carries the same error. */
  message_error: (event: MessageErrorEvent) => void;
  /** A message was edited or deleted (its new state), to every socket of both participants on every instance. */
  message_updated: (message: ChatMessage) => void;
  /** A watermark of a conversation moved, to every socket of both participants on every instance. */
  receipt: (event: ReceiptEvent) => void;
  /** The peer is typing or stopped, to every socket of the other participant on every instance. */
  typing: (event: TypingEvent) => void;
  /** A contact came online or went offline, to every socket of each contact (not blocked either way) on every instance. */
  presence: (event: PresenceEvent) => void;
}

/** Every client-to-server event, once: the type makes a missing or unknown name a compile error. */
const clientEvents: { [Event in keyof ClientToServerEvents]: true } = {
  send_message: true,
  sync: true,
  mark_read: true,
  mark_delivered: true,
  edit_message: true,
  delete_message: true,
  typing: true,
};

/** Every server-to-client event, once (checked like clientEvents). */
const serverEvents: { [Event in keyof ServerToClientEvents]: true } = {
  receive_message: true,
  message_sent: true,
  message_error: true,
  message_updated: true,
  receipt: true,
  typing: true,
  presence: true,
};

/** The names of ClientToServerEvents at runtime (e.g. for the AsyncAPI document and its tests). */
export const CLIENT_EVENTS = Object.keys(clientEvents) as (keyof ClientToServerEvents)[];

/** The names of ServerToClientEvents at runtime. */
export const SERVER_EVENTS = Object.keys(serverEvents) as (keyof ServerToClientEvents)[];

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InterServerEvents {}

/** The `data` of a `connect_error` when the server refused the handshake (the error's message is `message`). */
export type ConnectErrorData = ErrorBody;
