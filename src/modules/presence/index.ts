export type { PresenceStore } from './presence.js';
export { createMemoryPresence } from './presence.memory.js';
export { createRedisPresence, presenceKey } from './presence.redis.js';
export { trackPresence } from './presence.socket.js';
