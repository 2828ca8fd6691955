import type { PresenceStore } from './presence.store.js';

/**
 * One process: its sockets are all the sockets there are, and they die with it (so nothing
 * expires and `sweep` finds nothing). Transitions as in Redis: `announced` is the set of users
 * announced online.
 */
export function createMemoryPresence(): PresenceStore {
  const socketsByUser = new Map<string, Set<string>>();
  const announced = new Set<string>();
  const count = (userId: string) => socketsByUser.get(userId)?.size ?? 0;
  return {
    async add(userId, socketId) {
      const sockets = socketsByUser.get(userId) ?? new Set<string>();
      sockets.add(socketId);
      socketsByUser.set(userId, sockets);
      if (announced.has(userId)) return false;
      announced.add(userId);
      return true;
    },
    async remove(userId, socketId) {
      const sockets = socketsByUser.get(userId);
      sockets?.delete(socketId);
      if (sockets?.size === 0) socketsByUser.delete(userId);
      return count(userId);
    },
    async settleOffline(userId) {
      if (count(userId) > 0 || !announced.has(userId)) return false;
      announced.delete(userId);
      return true;
    },
    async isOnline(userId) {
      return count(userId) > 0;
    },
    async countSockets(userId) {
      return count(userId);
    },
    async refresh() {},
    async sweep() {
      return [];
    },
  };
}
