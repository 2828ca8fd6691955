import { EventEmitter } from 'node:events';
import type { Message } from './messages.repository.js';

interface MessageEventMap {
  /** A message was stored for the first time (never for an idempotent retry). */
  created: [message: Message];
}

/**
 * What the chat service tells the rest of Parley. The realtime layer listens and delivers,
 * so a message sent over REST reaches sockets exactly like one sent over a socket.
 */
export class MessageEvents extends EventEmitter<MessageEventMap> {}
