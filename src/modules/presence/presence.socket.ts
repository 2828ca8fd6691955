import type { PresenceEvent } from '../../protocol/events.js';
import { userRoom } from '../../realtime/rooms.js';
import type { ParleyIo } from '../../realtime/types.js';
import type { Logger } from '../../shared/logger.js';
import { periodicJob, type PeriodicJob } from '../../shared/periodic-job.js';
import type { PresenceStore } from './presence.store.js';

export interface PresenceTrackingOptions {
  io: ParleyIo;
  presence: PresenceStore;
  /** How often this instance re-asserts its sockets (and sweeps expired ones); a third of the TTL. */
  heartbeatMs: number;
  /** How long after a user's last socket closed they are announced offline, unless one reopened. */
  graceMs: number;
  /** Who hears of the user's presence: their contacts, without anyone either of the two blocks. */
  audience(userId: string): Promise<string[]>;
  /** Stores when the user was last seen (at an offline transition, before it is announced). */
  recordLastSeen(userId: string, at: Date): Promise<void>;
  logger: Logger;
}

/**
 * Records each local socket on connect and drops it on disconnect, and tells the user's contacts
 * (`presence` to their rooms, on every instance through the adapter) when the store says the user
 * went online (first socket anywhere) or offline (no socket anywhere `graceMs` after the last one
 * closed here). The heartbeat it returns (started and stopped by the server) re-asserts every
 * local socket, so entries of an instance that dies expire, and sweeps expired entries, so the
 * users of a dead instance go offline for their contacts too (each on one instance only).
 */
export function trackPresence({ io, presence, heartbeatMs, graceMs, audience, recordLastSeen, logger }: PresenceTrackingOptions): PeriodicJob {
  const log = logger.child({ component: 'presence' });
  const warn = (message: string) => (error: unknown) => log.warn({ err: error }, message);
  /** Offline checks waiting for their grace, by user: the latest close wins. */
  const pending = new Map<string, NodeJS.Timeout>();
  /** Each user's announcements, in order on this instance. */
  const announcing = new Map<string, Promise<void>>();
  let stopped = false;

  async function tell(userId: string, event: PresenceEvent): Promise<void> {
    const contacts = await audience(userId);
    if (contacts.length > 0) io.to(contacts.map(userRoom)).emit('presence', event);
  }

  function announce(userId: string, online: boolean, lastSeenAt: Date | null): void {
    const previous = announcing.get(userId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        // Stored first, so that a contact who reads the user on hearing the event sees it.
        if (lastSeenAt) await recordLastSeen(userId, lastSeenAt).catch(warn('last seen not stored'));
        await tell(userId, { userId, online, lastSeenAt: lastSeenAt?.toISOString() ?? null });
      })
      .catch(warn('presence announcement failed'))
      .finally(() => {
        if (announcing.get(userId) === next) announcing.delete(userId);
      });
    announcing.set(userId, next);
  }

  function settleLater(userId: string, closedAt: Date): void {
    if (stopped) return; // the sweep of a live instance takes over
    clearTimeout(pending.get(userId));
    const timer = setTimeout(() => {
      pending.delete(userId);
      presence
        .settleOffline(userId)
        .then((wentOffline) => wentOffline && announce(userId, false, closedAt))
        .catch(warn('presence offline check failed'));
    }, graceMs);
    timer.unref();
    pending.set(userId, timer);
  }

  io.on('connection', (socket) => {
    const { userId } = socket.data;
    presence
      .add(userId, socket.id)
      .then((cameOnline) => cameOnline && announce(userId, true, null))
      .catch(warn('presence add failed'));
    socket.on('disconnect', () => {
      const closedAt = new Date();
      presence
        .remove(userId, socket.id)
        .then((live) => live === 0 && settleLater(userId, closedAt))
        .catch(warn('presence remove failed'));
    });
  });

  const localSockets = () => [...io.of('/').sockets.values()].map((socket) => ({ userId: socket.data.userId, socketId: socket.id }));
  const heartbeat = periodicJob(
    heartbeatMs,
    async () => {
      await presence.refresh(localSockets());
      for (const { userId, lastSeenAt } of await presence.sweep()) announce(userId, false, lastSeenAt);
    },
    warn('presence refresh failed'),
  );
  return {
    start() {
      stopped = false;
      heartbeat.start();
    },
    stop() {
      stopped = true;
      heartbeat.stop();
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
