import { io, type Socket } from 'socket.io-client';
import type { Ack, ChatMessage, ClientToServerEvents, ConnectErrorData, Conversation, ServerToClientEvents } from '../protocol/events.js';
import { ConversationState } from './conversation-state.js';
import { DeliveredMarks } from './delivered-marks.js';
import { isTransient, ParleyError } from './errors.js';
import { MessageDedup } from './message-dedup.js';
import { ObservableValue } from './observable.js';
import { ParleyApi } from './rest.js';
import { memoryStorage } from './storage.js';
import { TypingState } from './typing-state.js';
import type { ClientEvents, ConnectionState, CursorStorage, Observable, ParleyClientOptions } from './types.js';

type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type AckedEvent = Exclude<keyof ClientToServerEvents, 'typing'>;
/** The successful answer of an acknowledged event. */
type AckOf<E extends AckedEvent> = Extract<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0], { ok: true }>;
type Listeners = { [E in keyof ClientEvents]: Set<ClientEvents[E]> };

const SYNC_PAGE = 500;
const REQUEST_TIMEOUT_MS = 10_000;
/** Handshakes refused for a passing reason (too many sockets, store away) are tried again this often. */
const REFUSED_RETRY_MS = 2000;
const INBOX_PAGES = 10;

/** A random clientMsgId; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
function newClientMsgId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A Parley connection that does the protocol's hard parts: sends retried until acknowledged,
 * catch-up from a kept cursor on every (re)connect, each message and change once and in order,
 * delivered marks gathered, typing throttled, the inbox kept current. See README "Client library".
 */
export class ParleyClient {
  readonly api: ParleyApi;
  readonly connection: Observable<ConnectionState>;
  /** The inbox, newest activity first, kept current from events. */
  readonly conversations: Observable<readonly Conversation[]>;
  /** Conversations whose peer is typing now. */
  readonly peerTyping: Observable<ReadonlySet<string>>;

  private readonly state = new ObservableValue<ConnectionState>('connecting');
  private readonly socket: ParleySocket;
  private readonly storage: CursorStorage;
  private readonly listeners: Listeners = { message: new Set(), receipt: new Set(), typing: new Set(), presence: new Set(), error: new Set() };
  private readonly dedup = new MessageDedup();
  private readonly inbox: ConversationState;
  private readonly typingState: TypingState;
  private readonly delivered: DeliveredMarks;
  private userId: string | null = null;
  private cursor: string | undefined;
  /** Live messages that arrived while a catch-up was running: shown after it, in order. */
  private held: ChatMessage[] = [];
  /** Bumped on every connect and disconnect: work of an older connection stops. */
  private generation = 0;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly waiters = new Set<{ resolve: () => void; reject: (error: ParleyError) => void }>();

  constructor(private readonly options: ParleyClientOptions = {}) {
    this.api = new ParleyApi(options);
    this.connection = this.state;
    this.storage = options.storage ?? memoryStorage();
    this.inbox = new ConversationState(() => this.userId, (id) => this.api.conversation(id), (thrown) => this.report(thrown));
    this.conversations = this.inbox.list;
    this.typingState = new TypingState((conversationId, isTyping) => {
      // Without an ack (it is optional on the wire): a typing event is not worth a round trip.
      if (this.socket.connected) (this.socket as unknown as Socket).volatile.emit('typing', { conversationId, isTyping });
    });
    this.peerTyping = this.typingState.peerTyping;
    this.delivered = new DeliveredMarks(options.deliveredDelay ?? 300, (conversationId, upTo) => this.markDelivered(conversationId, upTo));
    const socketOptions = {
      autoConnect: false,
      transports: ['websocket'],
      withCredentials: true,
      reconnectionDelay: options.reconnectDelay ?? 500,
      reconnectionDelayMax: options.reconnectDelayMax ?? 5000,
      ...(options.token ? { auth: { token: options.token } } : {}),
      ...(options.cookie ? { extraHeaders: { cookie: options.cookie } } : {}),
    };
    // Without a URL, socket.io-client takes the page's location ("" would not be read as one).
    this.socket = options.url ? io(options.url, socketOptions) : io(socketOptions);
    this.wireSocket();
    this.start().catch((thrown) => this.report(thrown));
  }

  /** The signed-in user's id, once known (after the first connect). */
  get me(): string | null {
    return this.userId;
  }

  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /**
   * Sends a message and resolves with it as stored. Sent again with the same clientMsgId after a
   * lost ack or a reconnect, and after `retryAfter` when the server is busy, until it is stored;
   * rejects with a ParleyError for a definite refusal (validation_failed, blocked, ...) or close().
   */
  async send(receiverId: string, message: string, clientMsgId = newClientMsgId()): Promise<ChatMessage> {
    const stored = await this.requestUntilAnswered('send_message', { receiverId, message, clientMsgId }, (this.options.sendTimeout ?? 5) * 1000);
    this.live(stored.message);
    return stored.message;
  }

  /** Edits one's own message; retried like a send (an edit to the same text is harmless twice). */
  async edit(messageId: string, message: string): Promise<ChatMessage> {
    const answer = await this.requestUntilAnswered('edit_message', { messageId, message });
    this.live(answer.message);
    return answer.message;
  }

  /** Deletes one's own message; retried like a send (deleting again answers the same tombstone). */
  async delete(messageId: string): Promise<ChatMessage> {
    const answer = await this.requestUntilAnswered('delete_message', { messageId });
    this.live(answer.message);
    return answer.message;
  }

  /** Marks the conversation read up to `upTo` (a message of the peer's) and resolves with its new state. */
  async markRead(conversationId: string, upTo: string): Promise<Conversation> {
    const { conversation } = await this.requestUntilAnswered('mark_read', { conversationId, upTo });
    this.inbox.put(conversation);
    return conversation;
  }

  /** Call on every keystroke in a conversation's composer; the throttle and the stop are built in. */
  typing(conversationId: string): void {
    this.typingState.keystroke(conversationId);
  }

  /** The message went out or the composer closed. */
  stopTyping(conversationId: string): void {
    this.typingState.stop(conversationId);
  }

  /** Loads the inbox again from the server (also done after every catch-up). */
  async refreshConversations(): Promise<void> {
    const conversations: Conversation[] = [];
    let before: string | undefined;
    for (let page = 0; page < INBOX_PAGES; page++) {
      const answer = await this.api.conversations({ limit: 200, ...(before ? { before } : {}) });
      conversations.push(...answer.conversations);
      if (!answer.nextCursor) break;
      before = answer.nextCursor;
    }
    this.inbox.reset(conversations);
  }

  /**
   * Disconnects for good; sends still waiting reject with `closed`. `forget: true` (at logout) also
   * removes the kept cursor, so the next user of this storage starts from nothing of this one's.
   */
  close({ forget = false }: { forget?: boolean } = {}): void {
    if (forget && this.userId !== null) Promise.resolve(this.storage.remove(this.cursorKey())).catch((thrown) => this.report(thrown));
    if (this.state.get() === 'closed') return;
    this.setTerminal('closed', new ParleyError('closed', 'The client was closed'));
    this.socket.disconnect();
  }

  private async start(): Promise<void> {
    this.userId = this.options.userId ?? null;
    for (let attempt = 0; this.userId === null; attempt++) {
      if (this.isTerminal()) return;
      try {
        this.userId = (await this.api.me()).id;
      } catch (thrown) {
        if (thrown instanceof ParleyError && !isTransient(thrown)) return this.refused(thrown);
        await sleep(Math.min(500 * 2 ** attempt, 5000));
      }
    }
    this.cursor = (await this.storage.get(this.cursorKey())) ?? undefined;
    if (!this.isTerminal()) this.socket.connect();
  }

  private wireSocket(): void {
    const socket = this.socket;
    socket.on('connect', () => {
      this.generation++;
      this.state.set('syncing');
      for (const waiter of this.waiters) waiter.resolve();
      this.waiters.clear();
      void this.catchUp(this.generation);
    });
    socket.on('disconnect', (reason) => {
      this.generation++;
      if (reason === 'io server disconnect') return this.refused(new ParleyError('unauthorized', 'The server ended this login'));
      if (!this.isTerminal()) this.state.set('connecting');
    });
    socket.on('connect_error', (error: Error & { data?: ConnectErrorData }) => {
      const body = error.data;
      if (!body) return; // a network error: socket.io-client retries with backoff by itself
      const refusal = ParleyError.from(body);
      if (body.code === 'unauthorized' || body.code === 'forbidden') return this.refused(refusal);
      this.report(refusal);
      // A refused handshake is not retried by socket.io-client; these refusals pass, so try again.
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.isTerminal() || socket.connect(), (body.retryAfter ?? 0) * 1000 || REFUSED_RETRY_MS);
    });
    socket.on('receive_message', (message) => this.live(message));
    socket.on('message_sent', (message) => this.live(message));
    socket.on('message_updated', (message) => this.live(message));
    socket.on('receipt', (event) => {
      this.inbox.receipt(event);
      this.dispatch('receipt', event);
    });
    socket.on('typing', (event) => {
      this.typingState.received(event);
      this.dispatch('typing', event);
    });
    socket.on('presence', (event) => {
      this.inbox.presence(event);
      this.dispatch('presence', event);
    });
  }

  /** Syncs from the kept cursor until hasMore is false, reloads the inbox, then lets live events through. */
  private async catchUp(generation: number): Promise<void> {
    for (let attempt = 0; generation === this.generation; attempt++) {
      try {
        await this.syncToEnd(generation);
        if (generation !== this.generation) return;
        await this.refreshConversations();
        if (generation !== this.generation) return;
        const held = this.held;
        this.held = [];
        this.state.set('online');
        for (const message of held) this.accept(message);
        return;
      } catch (thrown) {
        if (generation !== this.generation) return;
        this.report(thrown);
        await sleep(Math.min(500 * 2 ** attempt, 5000));
      }
    }
  }

  private async syncToEnd(generation: number): Promise<void> {
    for (let more = true; more && generation === this.generation; ) {
      const page = await this.request('sync', { limit: SYNC_PAGE, ...(this.cursor ? { since: this.cursor } : {}) });
      if (generation !== this.generation) return;
      for (const message of page.messages) this.accept(message);
      this.cursor = page.cursor;
      await this.storage.set(this.cursorKey(), page.cursor);
      more = page.hasMore;
    }
  }

  /** A live copy: held back while catching up, else shown now and a quiet sync scheduled to move the cursor. */
  private live(message: ChatMessage): void {
    if (this.state.get() !== 'online') {
      this.held.push(message);
      return;
    }
    this.accept(message);
    this.settleTimer ??= setTimeout(() => {
      this.settleTimer = undefined;
      const generation = this.generation;
      if (this.state.get() === 'online') this.syncToEnd(generation).catch((thrown) => generation === this.generation && this.report(thrown));
    }, this.options.settleDelay ?? 1000);
  }

  private accept(message: ChatMessage): void {
    const change = this.dedup.admit(message);
    if (change === null) return;
    this.inbox.message(message, change);
    if (change === 'new' && message.receiverId === this.userId) {
      this.typingState.peerSent(message.conversationId);
      this.delivered.add(message.conversationId, message.id);
    }
    this.dispatch('message', message, change);
  }

  private async markDelivered(conversationId: string, upTo: string): Promise<void> {
    if (!this.socket.connected) return; // the next catch-up marks them again
    try {
      const { conversation } = await this.request('mark_delivered', { conversationId, upTo });
      this.inbox.put(conversation);
    } catch (thrown) {
      this.report(thrown);
    }
  }

  /**
   * A request sent (again) until the server answers it: after a lost ack or a disconnect, once
   * connected again; after a transient refusal, after its retryAfter or a backoff. Every request it
   * is used for is safe to repeat (sends carry their clientMsgId). A definite refusal rejects.
   */
  private async requestUntilAnswered<E extends AckedEvent>(event: E, payload: Parameters<ClientToServerEvents[E]>[0], timeoutMs = REQUEST_TIMEOUT_MS): Promise<AckOf<E>> {
    for (let attempt = 0; ; attempt++) {
      await this.untilConnected();
      try {
        return await this.request(event, payload, timeoutMs);
      } catch (thrown) {
        const error = thrown instanceof ParleyError ? thrown : new ParleyError('network', String(thrown));
        if (!isTransient(error)) throw error;
        await sleep(error.retryAfter !== undefined ? error.retryAfter * 1000 : Math.min(250 * 2 ** attempt, 5000));
      }
    }
  }

  /** One acknowledged request; a failure answer or a lost ack becomes a ParleyError. */
  private async request<E extends AckedEvent>(event: E, payload: Parameters<ClientToServerEvents[E]>[0], timeoutMs = REQUEST_TIMEOUT_MS): Promise<AckOf<E>> {
    let answer: Ack<object>;
    try {
      // The typed emitWithAck cannot follow a generic event name; the shapes are checked by the signature above.
      answer = await (this.socket.timeout(timeoutMs) as unknown as { emitWithAck(event: string, payload: unknown): Promise<Ack<object>> }).emitWithAck(event, payload);
    } catch {
      throw new ParleyError(this.socket.connected ? 'timeout' : 'network', `No answer to ${event}`);
    }
    if (!answer.ok) throw ParleyError.from(answer.error);
    return answer as AckOf<E>;
  }

  private untilConnected(): Promise<void> {
    if (this.isTerminal()) return Promise.reject(new ParleyError(this.state.get() === 'closed' ? 'closed' : 'unauthorized', `The client is ${this.state.get()}`));
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.add({ resolve, reject }));
  }

  private refused(error: ParleyError): void {
    this.setTerminal('unauthorized', error);
    this.report(error);
    this.socket.disconnect();
  }

  private setTerminal(state: 'unauthorized' | 'closed', error: ParleyError): void {
    this.generation++;
    this.state.set(state);
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
    clearTimeout(this.settleTimer);
    clearTimeout(this.retryTimer);
    this.delivered.dispose();
    this.typingState.dispose();
  }

  private isTerminal(): boolean {
    const state = this.state.get();
    return state === 'closed' || state === 'unauthorized';
  }

  private cursorKey(): string {
    return this.options.storageKey ?? `parley:cursor:${this.userId}`;
  }

  private report(thrown: unknown): void {
    const error = thrown instanceof ParleyError ? thrown : new ParleyError('internal_error', thrown instanceof Error ? thrown.message : String(thrown));
    this.dispatch('error', error);
  }

  private dispatch<E extends keyof ClientEvents>(event: E, ...args: Parameters<ClientEvents[E]>): void {
    for (const listener of this.listeners[event]) {
      try {
        (listener as (...values: Parameters<ClientEvents[E]>) => void)(...args);
      } catch (thrown) {
        // An app listener's bug must not stop the client; it surfaces where errors go.
        if (event !== 'error') this.report(thrown);
      }
    }
  }
}

export function createParleyClient(options?: ParleyClientOptions): ParleyClient {
  return new ParleyClient(options);
}
