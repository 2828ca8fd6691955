/**
 * The one client used against Parley (P) and the reference relay (R): same library, same
 * options, same events and payloads. Only the token differs (a JWT for P, the user id for R).
 */
import { io, type Socket } from 'socket.io-client';
import type { ChatMessage, ClientToServerEvents, SendMessageAck, ServerToClientEvents, TypingEvent } from '../../src/protocol/events.js';
import type { ClientSpec } from './protocol.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Where the current run wants incoming events; set per run, so listeners are attached once. */
export interface ChatListener {
  onReceive(clientKey: string, message: ChatMessage): void;
  onSent(clientKey: string, message: ChatMessage): void;
  /** A typing indicator forwarded to this client (S9). */
  onTyping?(clientKey: string, event: TypingEvent): void;
}

export interface ChatClient {
  spec: ClientSpec;
  key: string;
  socket: ChatSocket;
  send(receiverId: string, message: string, clientMsgId: string, onAck: (ack: SendMessageAck) => void): void;
}

let listener: ChatListener | undefined;

export function setChatListener(next: ChatListener | undefined): void {
  listener = next;
}

/** Opens a WebSocket-only Socket.IO connection and resolves once the server accepted it. */
export function connectChatClient(spec: ClientSpec, timeoutMs: number): Promise<ChatClient> {
  const socket: ChatSocket = io(spec.url, {
    transports: ['websocket'],
    auth: { token: spec.token },
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
    ...(spec.localAddress ? { localAddress: spec.localAddress } : {}),
  });
  socket.on('receive_message', (message) => listener?.onReceive(spec.key, message));
  socket.on('message_sent', (message) => listener?.onSent(spec.key, message));
  socket.on('typing', (event) => listener?.onTyping?.(spec.key, event));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`connect timeout after ${timeoutMs} ms`)), timeoutMs + 1000);
    function fail(error: Error): void {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.disconnect();
      reject(error);
    }
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('connect_error');
      resolve({
        spec,
        key: spec.key,
        socket,
        send(receiverId, message, clientMsgId, onAck) {
          socket.emit('send_message', { receiverId, message, clientMsgId }, onAck);
        },
      });
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) =>
      fail(new Error(`connect_error: ${error.message}${error.data ? ` ${JSON.stringify(error.data)}` : ''}`)),
    );
  });
}
