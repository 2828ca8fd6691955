export type { PresenceStore } from './presence.store.js';
export { createMemoryPresence } from './presence.memory.js';
export { createRedisPresence } from './presence.redis.js';
export { trackPresence } from './presence.socket.js';
