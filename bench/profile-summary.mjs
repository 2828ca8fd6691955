/**
 * Summarizes a V8 CPU profile (node --cpu-prof; npm run bench -- --cpu-prof): the functions
 * with the most self time, and self time by package, as shares of all samples.
 *
 *   node bench/profile-summary.mjs FILE.cpuprofile [TOP=40] [SKIP_MS=0]
 *
 * SKIP_MS leaves out the first milliseconds of the profile (start-up: module loading).
 * Idle samples are left out, so the shares are of busy time.
 */
/* global process, console */
import fs from 'node:fs';

const [file, topText = '40', skipText = '0'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [TOP]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const shorten = (url) =>
  url.includes('node_modules/')
    ? url.replace(/.*node_modules\//, '')
    : url.replace(/.*\/dist\//, 'parley:').replace(/^file:\/\/.*\/bench\//, 'bench:');
const packageOf = (url) => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  if (url.includes('/dist/')) return 'parley';
  if (url.startsWith('node:')) return 'node (JS)';
  return url === '' ? '(native, GC, idle)' : 'other';
};

const selfByFunction = new Map();
const selfByPackage = new Map();
let total = 0;
let elapsedUs = 0;
const skipUs = Number(skipText) * 1000;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  elapsedUs += delta;
  const { callFrame } = nodes.get(id);
  if (elapsedUs < skipUs || callFrame.functionName === '(idle)') return;
  const key = `${callFrame.functionName || '(anonymous)'} ${shorten(callFrame.url)}:${callFrame.lineNumber + 1}`;
  total += delta;
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + delta);
  const pkg = callFrame.url === '' ? callFrame.functionName || '(native)' : packageOf(callFrame.url);
  selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + delta);
});

const top = (map, count) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, value]) => `${((100 * value) / total).toFixed(1).padStart(5)}%  ${key}`)
    .join('\n');
console.log(`${(total / 1000).toFixed(0)} ms busy sampled\n\nself time by function:\n${top(selfByFunction, Number(topText))}`);
console.log(`\nself time by package:\n${top(selfByPackage, 20)}`);
