/**
 * The bare password-hash rate: @node-rs/argon2 verify of a hash made by Parley's own hashPassword
 * (same parameters), CONCURRENCY verifications in flight on libuv's thread pool, for
 * DURATION_MS. Writes { perSecond } to OUT.
 *
 *   node --import tsx bench/bare/argon2-verify.ts HASH PASSWORD CONCURRENCY DURATION_MS OUT
 */
import fs from 'node:fs';
import { verify } from '@node-rs/argon2';

const [hash, password, concurrencyText, durationText, out] = process.argv.slice(2);
if (!hash || !password || !concurrencyText || !durationText || !out) {
  console.error('usage: argon2-verify.ts HASH PASSWORD CONCURRENCY DURATION_MS OUT');
  process.exit(2);
}
if (!(await verify(hash, password))) throw new Error('the hash does not match the password');

const durationMs = Number(durationText);
let verified = 0;
let counting = false;
let running = true;
const worker = async () => {
  while (running) {
    await verify(hash, password);
    if (counting) verified++;
  }
};
const workers = Array.from({ length: Number(concurrencyText) }, worker);
await new Promise((resolve) => setTimeout(resolve, Math.min(1000, durationMs / 4))); // warm-up
counting = true;
const started = performance.now();
await new Promise((resolve) => setTimeout(resolve, durationMs));
counting = false;
const elapsed = performance.now() - started;
running = false;
await Promise.all(workers);
fs.writeFileSync(
  out,
  JSON.stringify({ verified, perSecond: (verified / elapsed) * 1000, threadPool: Number(process.env['UV_THREADPOOL_SIZE'] ?? 4) }),
);
