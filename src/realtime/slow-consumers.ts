import type { Logger } from '../shared/logger.js';
import { periodicJob, type PeriodicJob } from '../shared/periodic-job.js';
import type { ParleyIo, ParleySocket } from './types.js';

/** The parts of an engine.io connection that hold what is written to a client but not yet sent. */
interface BufferingConnection {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number } };
  on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): void;
  on(event: 'flush', listener: () => void): void;
  close(discard?: boolean): void;
}

const connectionOf = (socket: ParleySocket) => socket.conn as unknown as BufferingConnection;

const sizeOf = (data: unknown) => (typeof data === 'string' ? data.length : ((data as { byteLength?: number } | undefined)?.byteLength ?? 0));

/** Bytes (about: string lengths) waiting for this client: packets engine.io holds, and what the WebSocket holds. */
export function bufferedBytes(socket: ParleySocket): number {
  const connection = connectionOf(socket);
  let bytes = connection.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of connection.writeBuffer ?? []) bytes += sizeOf(packet.data);
  return bytes;
}

export interface SlowConsumerOptions {
  io: ParleyIo;
  /** Most bytes waiting for one client, for a second, before its connection is closed. */
  maxBufferedBytes: number;
  intervalMs: number;
  logger: Logger;
}

/**
 * How far past the limit a connection may get between two checks before it is closed at once.
 * A healthy client can briefly hold more than the limit (a burst written in one event-loop turn,
 * before engine.io hands it to the WebSocket); a stalled one cannot grow past this.
 */
const HARD_CAP_FACTOR = 8;

/**
 * A client that stops reading (a frozen tab, a stalled network) while messages pour in would make
 * its socket's buffer grow without end. Every interval, a connection holding more than
 * maxBufferedBytes unsent is closed, its buffer dropped; one that reaches HARD_CAP_FACTOR times
 * the limit between checks is closed at once. The client sees `transport close`, reconnects by
 * itself and syncs from its last cursor (nothing is lost: the store holds every message).
 * Everyone else's sockets are unaffected.
 */
export function closeSlowConsumers({ io, maxBufferedBytes, intervalMs, logger }: SlowConsumerOptions): PeriodicJob {
  const log = logger.child({ component: 'socket' });
  const hardCap = maxBufferedBytes * HARD_CAP_FACTOR;
  const closing = new WeakSet<ParleySocket>();
  const close = (socket: ParleySocket, bytes: number) => {
    if (closing.has(socket)) return;
    closing.add(socket);
    log.info({ socketId: socket.id, userId: socket.data.userId, bufferedBytes: bytes }, 'slow client: connection closed');
    // Not from inside engine.io's write: closing there would cut the packet being written.
    setImmediate(() => connectionOf(socket).close(true));
  };

  io.on('connection', (socket) => {
    const connection = connectionOf(socket);
    let held = 0; // written since engine.io last handed its buffer to the WebSocket
    connection.on('flush', () => {
      held = 0;
    });
    connection.on('packetCreate', (packet) => {
      held += sizeOf(packet.data);
      const bytes = held + (connection.transport?.socket?.bufferedAmount ?? 0);
      if (bytes > hardCap) close(socket, bytes);
    });
  });

  return periodicJob(
    intervalMs,
    async () => {
      for (const socket of io.of('/').sockets.values()) {
        const bytes = bufferedBytes(socket);
        if (bytes > maxBufferedBytes) close(socket, bytes);
      }
    },
    (error) => log.warn({ err: error }, 'slow-client check failed'),
  );
}
