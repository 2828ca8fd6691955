import type { PresenceStore } from './presence.store.js';

/** One process: its sockets are all the sockets there are, and they die with it. */
export function createMemoryPresence(): PresenceStore {
  const socketsByUser = new Map<string, Set<string>>();
  return {
    async add(userId, socketId) {
      const sockets = socketsByUser.get(userId) ?? new Set<string>();
      sockets.add(socketId);
      socketsByUser.set(userId, sockets);
    },
    async remove(userId, socketId) {
      const sockets = socketsByUser.get(userId);
      sockets?.delete(socketId);
      if (sockets?.size === 0) socketsByUser.delete(userId);
    },
    async isOnline(userId) {
      return (socketsByUser.get(userId)?.size ?? 0) > 0;
    },
    async countSockets(userId) {
      return socketsByUser.get(userId)?.size ?? 0;
    },
    async refresh() {},
  };
}
