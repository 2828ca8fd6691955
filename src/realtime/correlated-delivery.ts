import type { Server } from 'socket.io';
import type { Logger } from '../shared/logger.js';
import { currentContext } from '../shared/request-context.js';

type Adapter = ReturnType<Server['of']>['adapter'];

/** A Socket.IO packet as the adapter passes it around; `requestId` is ours, never written to a client. */
interface BroadcastPacket {
  data?: unknown[];
  requestId?: string;
}

/** The adapter's encoder, which every broadcast goes through once per instance: local or from another instance. */
type Encoder = (packet: BroadcastPacket, options: unknown) => unknown;

/**
 * Carries the correlation id of the work that emitted a broadcast (a send's, an edit's) along with
 * its packet to every instance, and logs, at debug, on each instance that delivers it to its
 * sockets, one line with that id. The id rides on the packet object, which the Redis adapter
 * serialises whole; the Socket.IO encoder writes only the event to clients. The id is known where
 * the request context is carried, which is at debug (request-context.ts): both ends at debug.
 */
export function correlateDeliveries(adapter: Adapter, logger: Logger): void {
  if (!logger.isLevelEnabled('debug')) return; // no line to write: nothing to carry
  const log = logger.child({ component: 'delivery' });
  const broadcast = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet: BroadcastPacket, options: Parameters<Adapter['broadcast']>[1]) => {
    packet.requestId ??= currentContext()?.requestId;
    return broadcast(packet, options);
  };
  const internals = adapter as unknown as { _encode: Encoder };
  const encode = internals._encode.bind(adapter);
  internals._encode = (packet, options) => {
    const [event, payload] = packet.data ?? [];
    if (packet.requestId !== undefined && typeof event === 'string') {
      const messageId = (payload as { id?: unknown } | undefined)?.id;
      log.debug({ requestId: packet.requestId, event, ...(typeof messageId === 'string' ? { messageId } : {}) }, 'delivering');
    }
    return encode(packet, options);
  };
}
