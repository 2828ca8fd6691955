// Loaded into a benchmarked server with `node --import ./bench/event-loop-probe.mjs ...`.
// Plain JavaScript, no dependencies: it must load before (and without) tsx or the server.
//
// On SIGUSR2 (and at exit) it writes, synchronously, to the file named by BENCH_ELD_FILE:
//   { seq, pid, at, eld: { count, min, mean, p50, p90, p99, max } (ms, since the last report),
//     memory: process.memoryUsage(), afterGc?: process.memoryUsage(),
//     resources: { <type>: count } (process.getActiveResourcesInfo(): handles and requests keeping the loop alive) }
// then resets the event-loop delay histogram, so each report covers the time since the previous
// one. With --expose-gc, a full GC runs after the delay stats are taken and `afterGc` is added.
import fs from 'node:fs';
import process from 'node:process';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_ELD_FILE;

if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let seq = 0;
  const ms = (ns) => (Number.isFinite(ns) ? ns / 1e6 : null);

  const report = () => {
    seq += 1;
    const eld = {
      count: histogram.count,
      min: ms(histogram.min),
      mean: ms(histogram.mean),
      p50: ms(histogram.percentile(50)),
      p90: ms(histogram.percentile(90)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
    };
    const memory = process.memoryUsage();
    let afterGc;
    if (typeof globalThis.gc === 'function') {
      globalThis.gc();
      afterGc = process.memoryUsage();
    }
    histogram.reset();
    const resources = {};
    for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
    const body = JSON.stringify({ seq, pid: process.pid, at: Date.now(), eld, memory, afterGc, resources });
    // Write then rename, so a reader never sees half a file.
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temporary, body);
      fs.renameSync(temporary, file);
    } catch {
      // the bench's folder is gone: nothing to report to
    }
  };

  process.on('SIGUSR2', report);
  process.on('exit', report);
}
