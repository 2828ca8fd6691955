import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Process and event-loop metrics, read at each scrape. Not prom-client's collectDefaultMetrics: its
 * event-loop monitor and GC observer cannot be stopped, and tests run many instances in one process
 * (each would leave both behind); these stop with the instance. Event-loop delay is sampled every
 * 20 ms by libuv and reported per scrape interval (the histogram restarts after each scrape).
 */
export function registerProcessMetrics(registry: Registry): () => void {
  const registers = [registry];
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  const seconds = (nanoseconds: number) => (Number.isFinite(nanoseconds) ? nanoseconds / 1e9 : 0);
  const lag = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers, collect: function (this: Gauge) { this.set(seconds(read())); } });
  lag('parley_nodejs_eventloop_lag_p50_seconds', 'Event-loop delay since the last scrape, median', () => delay.percentile(50));
  lag('parley_nodejs_eventloop_lag_p99_seconds', 'Event-loop delay since the last scrape, 99th percentile', () => delay.percentile(99));
  new Gauge({
    name: 'parley_nodejs_eventloop_lag_max_seconds',
    help: 'Event-loop delay since the last scrape, maximum (the sampling restarts after it is read)',
    registers,
    collect() {
      this.set(seconds(delay.max));
      delay.reset();
    },
  });
  new Counter({
    name: 'parley_process_cpu_seconds_total',
    help: 'CPU time of the process, user and system, in seconds',
    registers,
    collect() {
      const { user, system } = process.cpuUsage();
      this.reset();
      this.inc((user + system) / 1e6);
    },
  });
  new Gauge({
    name: 'parley_process_resident_memory_bytes',
    help: 'Resident memory of the process',
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: 'parley_nodejs_heap_used_bytes',
    help: 'V8 heap in use',
    registers,
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  new Gauge({ name: 'parley_process_start_time_seconds', help: 'When the process started, in seconds since the epoch', registers }).set(
    Math.round(Date.now() / 1000 - process.uptime()),
  );
  return () => delay.disable();
}
