import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '../protocol/events.js';
import type { Identity } from '../shared/identity.js';

/** What the server knows about an authenticated socket. */
export interface SocketData {
  userId: string;
  /** The credentials the handshake was made with: logout and expiry end the socket. */
  identity: Identity;
}

export type ParleyIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
