/**
 * The store's share of a send, isolated: CPU time (every thread of the process) per message for
 * messages.insert through a build's SQLite store (the writer thread's group commit), with
 * IN_FLIGHT sends outstanding as in S1. Run it for two builds, interleaved, to see what a change
 * to the send's transaction costs without S1's noise from the rest of the machine.
 *
 *   node --import tsx bench/bare/store-send-cost.ts DIST_DIR [MESSAGES] [IN_FLIGHT]
 *
 * Prints one JSON line: { dist, messages, cpuPerMessageUs, wallMs }.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type StoreModule = typeof import('../../src/store/sqlite/index.js');

const [distDir, messagesText = '20000', inFlightText = '500'] = process.argv.slice(2);
if (!distDir) {
  console.error('usage: store-send-cost.ts DIST_DIR [MESSAGES] [IN_FLIGHT]');
  process.exit(2);
}
const { openSqliteStore } = (await import(pathToFileURL(path.resolve(distDir, 'store/sqlite/index.js')).href)) as StoreModule;
const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; }, isLevelEnabled: () => false };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-send-cost-'));
const store = await openSqliteStore({ file: path.join(dir, 'parley.db'), logger: silent as never });
const users = Array.from({ length: 100 }, (_, i) => `user-${i}`);
const total = Number(messagesText);
let next = 0;
let prefix = 'warm';

async function sender(): Promise<void> {
  while (next < total) {
    const i = next++;
    const senderId = users[i % 100] as string;
    const receiverId = users[(i * 7 + 1) % 100] as string;
    const [a, b] = senderId < receiverId ? [senderId, receiverId] : [receiverId, senderId];
    await store.messages.insert({ conversationId: `dm:${a}:${b}`, senderId, receiverId, message: 'x'.repeat(100), clientMsgId: `${prefix}-${i}`, createdAt: new Date() });
  }
}

async function round(): Promise<void> {
  await Promise.all(Array.from({ length: Number(inFlightText) }, sender));
}

next = total - 2000; // warm-up: the writer thread, JIT, a few batches
await round();
next = 0;
prefix = 'm';
const cpu = process.cpuUsage();
const started = performance.now();
await round();
const used = process.cpuUsage(cpu);
const wallMs = performance.now() - started;
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ dist: distDir, messages: total, cpuPerMessageUs: (used.user + used.system) / total, wallMs: Math.round(wallMs) }));
