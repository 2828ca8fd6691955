import type { Logger } from '../../shared/logger.js';
import type { ParleyIo } from '../../realtime/types.js';
import type { PresenceStore } from './presence.js';

export interface PresenceTrackingOptions {
  io: ParleyIo;
  presence: PresenceStore;
  /** How often this instance re-asserts its sockets; a third of the TTL. */
  heartbeatMs: number;
  logger: Logger;
}

/** Records each local socket on connect, drops it on disconnect, refreshes all on a heartbeat. */
export function trackPresence({ io, presence, heartbeatMs, logger }: PresenceTrackingOptions): { stop(): void } {
  const log = logger.child({ component: 'presence' });
  const warn = (message: string) => (error: unknown) => log.warn({ err: error }, message);

  io.on('connection', (socket) => {
    const { userId } = socket.data;
    presence.add(userId, socket.id).catch(warn('presence add failed'));
    socket.on('disconnect', () => {
      presence.remove(userId, socket.id).catch(warn('presence remove failed'));
    });
  });

  const heartbeat = setInterval(() => {
    const entries = [...io.of('/').sockets.values()].map((socket) => ({ userId: socket.data.userId, socketId: socket.id }));
    presence.refresh(entries).catch(warn('presence refresh failed'));
  }, heartbeatMs).unref();

  return { stop: () => clearInterval(heartbeat) };
}
