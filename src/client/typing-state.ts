import type { TypingEvent } from '../protocol/events.js';
import { ObservableValue } from './observable.js';

/** A receiver treats typing as stopped this long after the last `true` (the protocol says 6 s). */
const TYPING_EXPIRES_MS = 6000;
/** While the user types, `true` goes out again this often (the server forwards at most one a second). */
const TYPING_REPEAT_MS = 3000;
/** A user who stops pressing keys for this long has stopped typing. */
const TYPING_IDLE_MS = 4000;
/** The server forwards at most one `true` per second per user and conversation, even across a `false`. */
const SERVER_THROTTLE_MS = 1000;

/** Outgoing typing, throttled; incoming typing, expired, as the set of conversations where the peer types. */
export class TypingState {
  readonly peerTyping = new ObservableValue<ReadonlySet<string>>(new Set());
  private readonly incomingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly outgoing = new Map<string, { sentAt: number; idle: ReturnType<typeof setTimeout>; pending?: ReturnType<typeof setTimeout> }>();
  /** When the last `true` went out per conversation, kept across stops (the server's throttle is). */
  private readonly lastTrue = new Map<string, number>();

  constructor(private readonly emit: (conversationId: string, isTyping: boolean) => void) {}

  /** Call on every keystroke: sends `true` at most every 3 s, and `false` after 4 s without one. */
  keystroke(conversationId: string): void {
    const now = Date.now();
    const state = this.outgoing.get(conversationId);
    if (state) clearTimeout(state.idle);
    const idle = setTimeout(() => this.stop(conversationId), TYPING_IDLE_MS);
    if (state && now - state.sentAt < TYPING_REPEAT_MS) {
      this.outgoing.set(conversationId, { ...state, idle });
      return;
    }
    // Typing again within a second of the last `true` (a message just sent): the server would drop
    // it, so it goes out once that second has passed.
    const due = Math.max(now, (this.lastTrue.get(conversationId) ?? -Infinity) + SERVER_THROTTLE_MS);
    const send = () => {
      const current = this.outgoing.get(conversationId);
      if (current) delete current.pending;
      this.lastTrue.set(conversationId, Date.now());
      this.emit(conversationId, true);
    };
    const pending = due > now ? setTimeout(send, due - now) : undefined;
    if (!pending) send();
    this.outgoing.set(conversationId, { sentAt: due, idle, ...(pending ? { pending } : {}) });
  }

  /** The user sent the message or left the conversation: `false`, once, if `true` went out. */
  stop(conversationId: string): void {
    const state = this.outgoing.get(conversationId);
    if (!state) return;
    clearTimeout(state.idle);
    this.outgoing.delete(conversationId);
    if (state.pending) return clearTimeout(state.pending); // the `true` never went out: nothing to stop
    this.emit(conversationId, false);
  }

  received({ conversationId, isTyping }: TypingEvent): void {
    clearTimeout(this.incomingTimers.get(conversationId));
    this.incomingTimers.delete(conversationId);
    if (isTyping) this.incomingTimers.set(conversationId, setTimeout(() => this.setPeer(conversationId, false), TYPING_EXPIRES_MS));
    this.setPeer(conversationId, isTyping);
  }

  /** A message from the peer ends their typing. */
  peerSent(conversationId: string): void {
    if (this.peerTyping.get().has(conversationId)) this.received({ conversationId, userId: '', isTyping: false });
  }

  dispose(): void {
    for (const timer of this.incomingTimers.values()) clearTimeout(timer);
    for (const { idle, pending } of this.outgoing.values()) {
      clearTimeout(idle);
      clearTimeout(pending);
    }
    this.incomingTimers.clear();
    this.outgoing.clear();
  }

  private setPeer(conversationId: string, isTyping: boolean): void {
    const current = this.peerTyping.get();
    if (current.has(conversationId) === isTyping) return;
    const next = new Set(current);
    if (isTyping) next.add(conversationId);
    else next.delete(conversationId);
    this.peerTyping.set(next);
  }
}
