import type { Logger } from '../shared/logger.js';
import { periodicJob, type PeriodicJob } from '../shared/periodic-job.js';
import type { ParleyIo, ParleySocket } from './types.js';

/** The parts of an engine.io connection that hold what is written to a client but not yet sent. */
interface BufferingConnection {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number } };
  close(discard?: boolean): void;
}

const sizeOf = (data: unknown) => (typeof data === 'string' ? data.length : ((data as { byteLength?: number } | undefined)?.byteLength ?? 0));

/** Bytes (about: string lengths) waiting for this client: packets engine.io holds, and what the WebSocket holds. */
export function bufferedBytes(socket: ParleySocket): number {
  const connection = socket.conn as unknown as BufferingConnection;
  let bytes = connection.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of connection.writeBuffer ?? []) bytes += sizeOf(packet.data);
  return bytes;
}

export interface SlowConsumerOptions {
  io: ParleyIo;
  /** Most bytes waiting for one client before its connection is closed. */
  maxBufferedBytes: number;
  intervalMs: number;
  logger: Logger;
}

/**
 * A client that stops reading (a frozen tab, a stalled network) while messages pour in would make
 * its socket's buffer grow without end. Every interval, a connection holding more than
 * maxBufferedBytes unsent is closed at once, its buffer dropped: the client sees `transport
 * close`, reconnects by itself and syncs from its last cursor (nothing is lost: the store holds
 * every message). Everyone else's sockets are unaffected.
 */
export function closeSlowConsumers({ io, maxBufferedBytes, intervalMs, logger }: SlowConsumerOptions): PeriodicJob {
  const log = logger.child({ component: 'socket' });
  return periodicJob(
    intervalMs,
    async () => {
      for (const socket of io.of('/').sockets.values()) {
        const bytes = bufferedBytes(socket);
        if (bytes <= maxBufferedBytes) continue;
        log.info({ socketId: socket.id, userId: socket.data.userId, bufferedBytes: bytes }, 'slow client: connection closed');
        (socket.conn as unknown as BufferingConnection).close(true);
      }
    },
    (error) => log.warn({ err: error }, 'slow-client check failed'),
  );
}
