import { Gauge } from 'prom-client';
import type { Ack, ClientToServerEvents } from '../protocol/events.js';
import type { Metrics } from '../shared/metrics.js';
import type { ParleyIo } from './types.js';

/** Every event a client may send; any other name is counted as `unknown`, so a client cannot grow the label set. */
const KNOWN_EVENTS: Record<keyof ClientToServerEvents, true> = {
  send_message: true,
  sync: true,
  mark_read: true,
  mark_delivered: true,
  edit_message: true,
  delete_message: true,
  typing: true,
};

/**
 * Counts every socket event by name and outcome (ok, the error code of a refusal, or no_ack when the
 * client gave no ack callback) and times it to its ack; counts open sockets at each scrape.
 */
export function instrumentSockets(io: ParleyIo, metrics: Metrics): void {
  new Gauge({
    name: 'parley_sockets_connected',
    help: 'Socket.IO connections open on this instance',
    registers: [metrics.registry],
    collect() {
      this.set(io.of('/').sockets.size);
    },
  });
  io.on('connection', (socket) => {
    socket.use((packet, next) => {
      const name = String(packet[0]);
      const event = Object.hasOwn(KNOWN_EVENTS, name) ? name : 'unknown';
      const ack = packet.at(-1);
      if (typeof ack !== 'function') {
        metrics.socketEvents.inc({ event, outcome: 'no_ack' });
        return next();
      }
      const end = metrics.socketEventDuration.startTimer({ event });
      packet[packet.length - 1] = (response: Ack<object>) => {
        end();
        const outcome = response?.ok === false ? response.error.code : 'ok';
        metrics.socketEvents.inc({ event, outcome });
        if (outcome === 'rate_limited') metrics.rateLimited.inc({ transport: 'socket' });
        (ack as (answer: Ack<object>) => void)(response);
      };
      next();
    });
  });
}
