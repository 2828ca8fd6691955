/** Every socket of a user joins this room: delivery addresses it from any instance. */
export const userRoom = (userId: string) => `user:${userId}`;

/** Sockets opened with one token or session share a room, so logout can disconnect exactly them. */
export const tokenRoom = (tokenId: string) => `token:${tokenId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
