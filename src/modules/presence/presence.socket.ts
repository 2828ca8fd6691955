import type { ParleyIo } from '../../realtime/types.js';
import type { Logger } from '../../shared/logger.js';
import { periodicJob, type PeriodicJob } from '../../shared/periodic-job.js';
import type { PresenceStore } from './presence.store.js';

export interface PresenceTrackingOptions {
  io: ParleyIo;
  presence: PresenceStore;
  /** How often this instance re-asserts its sockets; a third of the TTL. */
  heartbeatMs: number;
  logger: Logger;
}

/**
 * Records each local socket on connect and drops it on disconnect. The heartbeat it returns
 * (started and stopped by the server) re-asserts every local socket, so entries of an
 * instance that dies expire.
 */
export function trackPresence({ io, presence, heartbeatMs, logger }: PresenceTrackingOptions): PeriodicJob {
  const log = logger.child({ component: 'presence' });
  const warn = (message: string) => (error: unknown) => log.warn({ err: error }, message);

  io.on('connection', (socket) => {
    const { userId } = socket.data;
    presence.add(userId, socket.id).catch(warn('presence add failed'));
    socket.on('disconnect', () => {
      presence.remove(userId, socket.id).catch(warn('presence remove failed'));
    });
  });

  const localSockets = () => [...io.of('/').sockets.values()].map((socket) => ({ userId: socket.data.userId, socketId: socket.id }));
  return periodicJob(heartbeatMs, () => presence.refresh(localSockets()), warn('presence refresh failed'));
}
