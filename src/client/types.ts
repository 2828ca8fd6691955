/**
 * The public shapes of `parley/client`: options, connection states, events, REST answers.
 * The wire types themselves (ChatMessage, Conversation, ...) come from `parley/events`.
 */
import type { ChatMessage, Conversation, ErrorBody, ErrorCode, PresenceEvent, PublicUser, ReceiptEvent, TypingEvent } from '../protocol/events.js';

/**
 * Where the client keeps its sync cursor between runs. Memory by default (`memoryStorage()`); in a
 * browser, `browserStorage()` keeps it in localStorage. Only the cursor is stored, never a credential.
 */
export interface CursorStorage {
  get(key: string): string | null | Promise<string | null>;
  set(key: string, value: string): void | Promise<void>;
  /** Forgets the cursor (`close({ forget: true })`, at logout). */
  remove(key: string): void | Promise<void>;
}

/**
 * - `connecting`: no socket yet, or reconnecting after a network error (with backoff).
 * - `syncing`: connected, catching up from the last cursor; live events wait until it is done.
 * - `online`: caught up; live events flow.
 * - `unauthorized`: the server refused the credentials or logged this login out; it will not retry.
 * - `closed`: `close()` was called.
 */
export type ConnectionState = 'connecting' | 'syncing' | 'online' | 'unauthorized' | 'closed';

/** A value that changes over time: read it now, or be called on every change. */
export interface Observable<T> {
  get(): T;
  /** Calls `listener` with each new value (not the current one); returns the unsubscribe function. */
  subscribe(listener: (value: T) => void): () => void;
}

export interface ParleyClientOptions {
  /** Parley's base URL, e.g. "http://localhost:3000". Omit in a browser page Parley serves (same origin). */
  url?: string;
  /** A JWT from /auth/login or /auth/register. Without it the session cookie authenticates. */
  token?: string;
  /** Node only: the session cookie ("connect.sid=..."), sent as a header. Browsers send it themselves. */
  cookie?: string;
  /** The signed-in user's id when the app knows it already (saves the GET /auth/me at start). */
  userId?: string;
  /** Where the sync cursor is kept; memory by default. */
  storage?: CursorStorage;
  /** Storage key of the cursor; default "parley:cursor:<user id>" once the user is known. */
  storageKey?: string;
  /** Seconds to wait for a send's ack before sending it again (same clientMsgId); default 5. */
  sendTimeout?: number;
  /** Milliseconds that delivered marks are gathered before they go out; default 300. */
  deliveredDelay?: number;
  /** Milliseconds after live events before a quiet sync that moves the cursor along; default 1000. */
  settleDelay?: number;
  /** Reconnection backoff in milliseconds (socket.io-client's reconnectionDelay and ...Max); default 500 and 5000. */
  reconnectDelay?: number;
  reconnectDelayMax?: number;
  /** The fetch to use for REST calls; default globalThis.fetch. */
  fetch?: typeof fetch;
}

/** Why a message reached the app: first seen (`new`), or a later version (edited or deleted). */
export type MessageChange = 'new' | 'updated';

export interface ClientEvents {
  /** Each message, and each later version of it, exactly once, in feed order (live or from sync). */
  message: (message: ChatMessage, change: MessageChange) => void;
  receipt: (event: ReceiptEvent) => void;
  typing: (event: TypingEvent) => void;
  presence: (event: PresenceEvent) => void;
  /** Something went wrong in the background (a failed sync or mark); the client carries on. */
  error: (error: ParleyErrorLike) => void;
}

export interface ParleyErrorLike extends Error {
  code: ErrorCode | 'network' | 'timeout' | 'closed';
  retryAfter?: number;
}

export type { ChatMessage, Conversation, ErrorBody, PublicUser };

export interface AuthAnswer {
  user: Omit<PublicUser, 'online' | 'lastSeenAt'>;
  token: string;
}

export interface HistoryPage {
  messages: ChatMessage[];
  nextCursor: string | null;
}

export interface ConversationsPage {
  conversations: Conversation[];
  nextCursor: string | null;
}
