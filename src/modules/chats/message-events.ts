import { EventEmitter } from 'node:events';
import type { ReceiptEvent, TypingEvent } from '../../protocol/events.js';
import type { Message } from './messages.repository.js';

/** A receipt, with the participant it is also for. */
export interface Receipt extends ReceiptEvent {
  peerId: string;
}

/** A typing indicator, with the participant it is for. */
export interface Typing extends TypingEvent {
  peerId: string;
}

interface MessageEventMap {
  /** A message was stored for the first time (never for an idempotent retry). */
  created: [message: Message];
  /** A stored message was edited or deleted (its new state). */
  updated: [message: Message];
  /** A watermark moved. */
  receipt: [receipt: Receipt];
  /** A typing indicator to forward (already throttled). */
  typing: [typing: Typing];
}

/**
 * What the chat service tells the rest of Parley. The realtime layer listens and delivers,
 * so a message sent over REST reaches sockets exactly like one sent over a socket.
 */
export class MessageEvents extends EventEmitter<MessageEventMap> {}
