import { sessionRoom, tokenRoom, userRoom } from '../../../realtime/rooms.js';
import type { ParleyIo } from '../../../realtime/types.js';
import type { AuthEvents } from '../auth-events.js';

/** A logout disconnects the sockets opened with the credentials it ended, on every instance. */
export function disconnectOnLogout(io: ParleyIo, events: AuthEvents): void {
  events.on('loggedOut', (identity) => {
    const rooms: string[] = [];
    if (identity.token) rooms.push(tokenRoom(identity.token.tokenId));
    if (identity.sessionId) rooms.push(sessionRoom(identity.sessionId)); // the cookie's, or the token's login
    if (rooms.length > 0) io.in(rooms).disconnectSockets(true);
  });
  events.on('loggedOutEverywhere', (userId) => io.in(userRoom(userId)).disconnectSockets(true));
}
