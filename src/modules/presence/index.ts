export type { PresenceStore } from './presence.store.js';
export { createMemoryPresence } from './presence.memory.js';
export { createRedisPresence } from './presence.redis.js';
export { limitSocketsPerUser } from './connection-limit.socket.js';
export { trackPresence } from './presence.socket.js';
export { presenceEventSchema } from './presence.schemas.js';
