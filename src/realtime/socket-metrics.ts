import { Gauge } from 'prom-client';
import { CLIENT_EVENTS, type Ack } from '../protocol/events.js';
import type { CounterChild, HistogramChild } from '../shared/hot-metrics.js';
import { secondsSince, type Metrics } from '../shared/metrics.js';
import type { ParleyIo } from './types.js';

/** Every event a client may send; any other name is counted as `unknown`, so a client cannot grow the label set. */
const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);

interface EventMetrics {
  duration: HistogramChild;
  ok: CounterChild;
  outcome(code: string): CounterChild;
}

/** One event name's duration and outcome counters; refusal codes come from the protocol's bounded set. */
function eventMetrics(metrics: Metrics, event: string): EventMetrics {
  const outcomes = new Map<string, CounterChild>();
  return {
    duration: metrics.socketEventDuration.labels(event),
    ok: metrics.socketEvents.labels(event, 'ok'),
    outcome(code) {
      let child = outcomes.get(code);
      if (!child) outcomes.set(code, (child = metrics.socketEvents.labels(event, code)));
      return child;
    },
  };
}

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
  const rateLimited = metrics.rateLimited.labels('socket');
  // Each event's children looked up once, not per packet: this runs for every packet of every socket.
  const perEvent = new Map<string, EventMetrics>();
  const metricsOf = (event: string) => {
    let entry = perEvent.get(event);
    if (!entry) perEvent.set(event, (entry = eventMetrics(metrics, event)));
    return entry;
  };

  io.on('connection', (socket) => {
    socket.use((packet, next) => {
      const name = String(packet[0]);
      const measured = metricsOf(KNOWN_EVENTS.has(name) ? name : 'unknown');
      const ack = packet.at(-1);
      if (typeof ack !== 'function') {
        measured.outcome('no_ack').inc();
        return next();
      }
      const started = performance.now();
      packet[packet.length - 1] = (response: Ack<object>) => {
        measured.duration.observe(secondsSince(started));
        if (response?.ok === false) {
          measured.outcome(response.error.code).inc();
          if (response.error.code === 'rate_limited') rateLimited.inc();
        } else measured.ok.inc();
        (ack as (answer: Ack<object>) => void)(response);
      };
      next();
    });
  });
}
