import type { ExtendedError } from 'socket.io';
import type { ConnectErrorData } from '../protocol/events.js';

/** What a handshake middleware passes to next() to refuse: the client gets connect_error with `data`. */
export function connectError(data: ConnectErrorData): ExtendedError {
  return Object.assign(new Error(data.message), { data });
}
