import { Gauge } from 'prom-client';
import { CLIENT_EVENTS, type Ack } from '../protocol/events.js';
import { secondsSince, type Metrics } from '../shared/metrics.js';
import type { ParleyIo } from './types.js';

/** Every event a client may send; any other name is counted as `unknown`, so a client cannot grow the label set. */
const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);

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
  // Label children looked up once, not per event: this runs for every packet of every socket.
  const durations = new Map<string, ReturnType<Metrics['socketEventDuration']['labels']>>();
  const counts = new Map<string, ReturnType<Metrics['socketEvents']['labels']>>();
  const count = (event: string, outcome: string) => {
    const key = `${event} ${outcome}`;
    let child = counts.get(key);
    if (!child) counts.set(key, (child = metrics.socketEvents.labels(event, outcome)));
    child.inc();
  };
  const durationOf = (event: string) => {
    let child = durations.get(event);
    if (!child) durations.set(event, (child = metrics.socketEventDuration.labels(event)));
    return child;
  };
  const rateLimited = metrics.rateLimited.labels('socket');

  io.on('connection', (socket) => {
    socket.use((packet, next) => {
      const name = String(packet[0]);
      const event = KNOWN_EVENTS.has(name) ? name : 'unknown';
      const ack = packet.at(-1);
      if (typeof ack !== 'function') {
        count(event, 'no_ack');
        return next();
      }
      const started = performance.now();
      packet[packet.length - 1] = (response: Ack<object>) => {
        durationOf(event).observe(secondsSince(started));
        const outcome = response?.ok === false ? response.error.code : 'ok';
        count(event, outcome);
        if (outcome === 'rate_limited') rateLimited.inc();
        (ack as (answer: Ack<object>) => void)(response);
      };
      next();
    });
  });
}
