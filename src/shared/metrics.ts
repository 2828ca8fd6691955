import { Registry } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics.js';
import { registerProcessMetrics } from './process-metrics.js';

/**
 * Prometheus metrics of one instance, in a registry of its own (never prom-client's global one, so
 * several instances in one process keep theirs apart). Every label has a bounded set of values:
 * route templates, event names from the protocol, error codes, operation names; never a user id, a
 * raw path or a message. docs/operating.md lists them with the alerts worth setting.
 */
export interface Metrics {
  registry: Registry;
  /** Stops the event-loop sampling (at shutdown). */
  close(): void;
  httpRequestDuration: HotHistogram<'method' | 'route' | 'status'>;
  socketEvents: HotCounter<'event' | 'outcome'>;
  socketEventDuration: HotHistogram<'event'>;
  messagesStored: HotCounter;
  messagesDelivered: HotCounter;
  messagesRefused: HotCounter<'code'>;
  sendAckDuration: HotHistogram;
  storeOperationDuration: HotHistogram<'operation'>;
  redisErrors: HotCounter<'connection'>;
  rateLimited: HotCounter<'transport'>;
}

/**
 * Seconds since `startedMs` (a performance.now() reading). The hot paths time themselves with this
 * and observe a child looked up once: prom-client's startTimer allocates two hrtime pairs and a
 * merged label object per call.
 */
export const secondsSince = (startedMs: number): number => (performance.now() - startedMs) / 1000;

/** Seconds: from 0.5 ms (an in-memory answer) to 10 s (past every timeout). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The registry and the metrics fed from code paths (hot-metrics.ts: counted without garbage); gauges
 * read at scrape time are prom-client's, added where their source lives.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  const stopProcessMetrics = registerProcessMetrics(registry); // process CPU, memory, event-loop delay

  return {
    registry,
    close: stopProcessMetrics,
    httpRequestDuration: new HotHistogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registry,
    }),
    socketEvents: new HotCounter({
      name: 'parley_socket_events_total',
      help: 'Socket events received, by event name and outcome (ok, an error code, or no_ack)',
      labelNames: ['event', 'outcome'],
      registry,
    }),
    socketEventDuration: new HotHistogram({
      name: 'parley_socket_event_duration_seconds',
      help: 'Time from a socket event to its ack, by event name',
      labelNames: ['event'],
      buckets: LATENCY_BUCKETS,
      registry,
    }),
    messagesStored: new HotCounter({ name: 'parley_messages_stored_total', help: 'Messages stored by sends on this instance (retries not counted)', registry }),
    messagesDelivered: new HotCounter({
      name: 'parley_messages_delivered_total',
      help: 'Messages pushed live to their receiver from this instance (to every instance, through the adapter)',
      registry,
    }),
    messagesRefused: new HotCounter({ name: 'parley_messages_refused_total', help: 'Sends refused by the send path, by error code (a payload that fails validation is counted in socket events and HTTP requests)', labelNames: ['code'], registry }),
    sendAckDuration: new HotHistogram({
      name: 'parley_send_ack_duration_seconds',
      help: 'Time from a send (REST or socket) reaching the service to its answer, commit included',
      buckets: LATENCY_BUCKETS,
      registry,
    }),
    storeOperationDuration: new HotHistogram({
      name: 'parley_store_operation_duration_seconds',
      help: 'Store calls by repository and operation (e.g. messages.insert), failures included',
      labelNames: ['operation'],
      buckets: LATENCY_BUCKETS,
      registry,
    }),
    redisErrors: new HotCounter({
      name: 'parley_redis_errors_total',
      help: 'Errors reported by each Redis connection (pub: the adapter publishing to other instances)',
      labelNames: ['connection'],
      registry,
    }),
    rateLimited: new HotCounter({ name: 'parley_rate_limited_total', help: 'Requests and events refused with rate_limited, by transport', labelNames: ['transport'], registry }),
  };
}
