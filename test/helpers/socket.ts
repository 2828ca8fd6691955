import { io, type Socket } from 'socket.io-client';
import type { ChatMessage, ClientToServerEvents, ConnectErrorData, SendMessageAck, ServerToClientEvents } from '../../src/protocol/events.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  token?: string;
  cookie?: string;
  origin?: string;
}

/** A real socket.io-client connection (WebSocket transport), resolved once connected. */
export function connectSocket(url: string, { token, cookie, origin }: ConnectOptions): Promise<ClientSocket> {
  const extraHeaders: Record<string, string> = {};
  if (cookie) extraHeaders['cookie'] = cookie;
  if (origin) extraHeaders['origin'] = origin;
  const socket: ClientSocket = io(url, {
    transports: ['websocket'],
    auth: token ? { token } : {},
    extraHeaders,
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** The connect_error a handshake is refused with. */
export async function refusal(url: string, options: ConnectOptions): Promise<Error & { data?: Partial<ConnectErrorData> }> {
  try {
    const socket = await connectSocket(url, options);
    socket.close();
  } catch (error) {
    return error as Error & { data?: Partial<ConnectErrorData> };
  }
  throw new Error('the handshake was accepted');
}

export function sendMessage(socket: ClientSocket, payload: unknown): Promise<SendMessageAck> {
  return new Promise((resolve) => (socket.emit as (...args: unknown[]) => void)('send_message', payload, resolve));
}

/** Collects every message a socket receives on an event, for later assertions. */
export function collect(socket: ClientSocket, event: 'receive_message' | 'message_sent'): ChatMessage[] {
  const received: ChatMessage[] = [];
  socket.on(event, (message) => received.push(message));
  return received;
}
