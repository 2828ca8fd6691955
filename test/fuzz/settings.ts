import type fc from 'fast-check';

/*
 * How much to fuzz. `npm test` runs a small seeded sample (FUZZ_RUNS unset: a few dozen inputs per
 * route); `npm run fuzz` sets FUZZ_RUNS high. FUZZ_SEED picks another sample; a failure prints the
 * seed and path that replay it (FUZZ_SEED=... FUZZ_PATH=...); FUZZ_VERBOSE=1 lists every failing
 * input met while shrinking, the first one included.
 */
function integerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
}

export const FUZZ_RUNS = Math.max(1, integerFromEnv('FUZZ_RUNS', 25));
export const FUZZ_SEED = integerFromEnv('FUZZ_SEED', 20_240_611);
const FUZZ_PATH = process.env['FUZZ_PATH'] || undefined;
const FUZZ_VERBOSE = process.env['FUZZ_VERBOSE'] ? 1 : 0;

/** fast-check's settings for one property; `share` scales the runs of a cheaper or costlier route. */
export function fuzzOptions(share = 1): fc.Parameters<unknown> {
  return { numRuns: Math.max(1, Math.round(FUZZ_RUNS * share)), seed: FUZZ_SEED, path: FUZZ_PATH, verbose: FUZZ_VERBOSE };
}

/** "(25 inputs, seed 20240611)", for test names, so a reader sees how much ran. */
export function runsLabel(share = 1): string {
  return `(${fuzzOptions(share).numRuns} inputs, seed ${FUZZ_SEED})`;
}

/** A test's time budget: generous per input, since a loaded machine answers slower. */
export function fuzzTimeout(share = 1): number {
  return 30_000 + (fuzzOptions(share).numRuns ?? 0) * 250;
}
