import fs from 'node:fs';

/*
 * libfaketime (Debian's `faketime` package) shifts a process's wall clock when preloaded: a
 * Parley process under it behaves as one on a machine whose clock is off by that much.
 */
const CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/faketime/libfaketimeMT.so.1',
  '/usr/local/lib/faketime/libfaketimeMT.so.1',
];

/** The multi-threaded libfaketime (Parley has worker threads), or undefined when it is not installed. */
export const libfaketime: string | undefined = CANDIDATES.find((file) => fs.existsSync(file));

/**
 * Environment that runs a process with its wall clock `offsetSeconds` off (negative: behind).
 * Only the wall clock (CLOCK_REALTIME: Date.now(), new Date()) moves; the monotonic clock that
 * timers, performance.now() and process.hrtime() read is left alone, as a skewed machine's would
 * be (monotonic clocks are never compared across machines). Merge into spawnParley's env.
 */
export function skewedClockEnv(offsetSeconds: number): Record<string, string> {
  if (!libfaketime) throw new Error('libfaketime is not installed (Debian: apt-get install faketime)');
  return {
    LD_PRELOAD: libfaketime,
    FAKETIME: `${offsetSeconds >= 0 ? '+' : '-'}${Math.abs(offsetSeconds)}s`,
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
}
