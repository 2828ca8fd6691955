import type { ParleyIo } from '../../../realtime/types.js';
import type { Logger } from '../../../shared/logger.js';
import { periodicJob, type PeriodicJob } from '../../../shared/periodic-job.js';
import type { AuthService } from '../auth.service.js';

export interface SocketRevalidationOptions {
  io: ParleyIo;
  auth: AuthService;
  intervalMs: number;
  logger: Logger;
}

/**
 * Sockets are authenticated once, at the handshake. A logout normally disconnects them at
 * once through the adapter, but that broadcast is lost while Redis is away, and a token
 * can expire under an open socket. So every interval each instance re-checks the
 * credentials of its own sockets against the store and ends those that no longer hold.
 * The returned job is started and stopped by the server.
 */
export function revalidateSockets({ io, auth, intervalMs, logger }: SocketRevalidationOptions): PeriodicJob {
  const log = logger.child({ component: 'socket-revalidation' });

  async function sweep(): Promise<void> {
    const now = new Date();
    for (const socket of io.of('/').sockets.values()) {
      if (!(await auth.isStillValid(socket.data.identity, now))) {
        log.debug({ socketId: socket.id, userId: socket.data.userId }, 'credentials ended; disconnecting');
        socket.disconnect(true);
      }
    }
  }

  return periodicJob(intervalMs, sweep, (error) => log.warn({ err: error }, 'socket revalidation failed; will retry'));
}
