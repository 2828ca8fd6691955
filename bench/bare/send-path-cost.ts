/**
 * Parley's own share of a socket send, isolated from Socket.IO and the network: a build's
 * send_message handler (socketHandler, the zod schema, the chat service, the load shedder), its
 * SQLite store (group commit on the writer thread) and its delivery listener (to a Socket.IO stand-in
 * that does nothing), called as Socket.IO calls it, with IN_FLIGHT sends outstanding as in S1.
 * Measures the event loop's busy time per message (what the issue-17 event-loop levers change),
 * the CPU of every thread, and garbage-collection time. Run it for two builds, interleaved, for a
 * lever's before and after without S1's noise from the rest of the machine.
 *
 *   node --import tsx bench/bare/send-path-cost.ts DIST_DIR [MESSAGES] [IN_FLIGHT] [METRICS=off|on]
 *
 * Prints one JSON line: { dist, messages, eventLoopUs, cpuUs, gcUs, gcCount } (all per message).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';

type ChatsModule = typeof import('../../src/modules/chats/index.js');
type StoreModule = typeof import('../../src/store/sqlite/index.js');
type SheddingModule = typeof import('../../src/shared/load-shedder.js');
type InflightModule = typeof import('../../src/shared/inflight.js');
type LoggerModule = typeof import('../../src/shared/logger.js');
type MetricsModule = typeof import('../../src/shared/metrics.js');
type InstrumentedModule = typeof import('../../src/store/instrumented.js');

const [distDir, messagesText = '30000', inFlightText = '500', metricsText = 'off'] = process.argv.slice(2);
if (!distDir) {
  console.error('usage: send-path-cost.ts DIST_DIR [MESSAGES] [IN_FLIGHT] [off|on]');
  process.exit(2);
}
const load = async <T>(relative: string) => (await import(pathToFileURL(path.resolve(distDir, relative)).href)) as T;
const chatsModule = await load<ChatsModule>('modules/chats/index.js');
const { openSqliteStore } = await load<StoreModule>('store/sqlite/index.js');
const { LoadShedder } = await load<SheddingModule>('shared/load-shedder.js');
const { InflightTracker } = await load<InflightModule>('shared/inflight.js');
const { createLogger } = await load<LoggerModule>('shared/logger.js');

// As in the benchmark's servers: pino at warn, so debug lines are calls at a disabled level.
const logger = createLogger({ level: 'warn', pretty: false, destination: pino.destination(os.devNull) });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-send-path-'));
const opened = await openSqliteStore({ file: path.join(dir, 'parley.db'), logger: logger as never });
const metrics = metricsText === 'on' ? (await load<MetricsModule>('shared/metrics.js')).createMetrics() : undefined;
const store = metrics ? (await load<InstrumentedModule>('store/instrumented.js')).instrumentStore(opened, metrics.storeOperationDuration) : opened;
const unlimited = { consume: async () => {}, check: async () => {}, reset: async () => {} };
const events = new chatsModule.MessageEvents();
const someone = { findById: async (id: string) => ({ id, username: id }) };
const base = chatsModule.createChatService({
  users: someone as never,
  messages: store.messages,
  events,
  sendRateLimiter: unlimited,
  readRateLimiter: unlimited,
  loadShedder: new LoadShedder({ maxDelayMs: 0 }),
  logger,
});
const chats = metrics ? chatsModule.instrumentChatService(base, metrics) : base;
const register = chatsModule.registerChatSocketHandlers({ chats, changes: {} as never, logger, inflight: new InflightTracker() });

// Socket.IO stand-ins: a socket that records its handlers, a server whose broadcasts go nowhere.
const nowhere = { emit: () => true };
const io = { to: () => nowhere };
chatsModule.deliverMessages(io as never, events);
type Handler = (payload: unknown, ack: (answer: { ok: boolean }) => void) => void;
function socketOf(userId: string): Record<string, Handler> {
  const handlers: Record<string, Handler> = {};
  register({ id: `socket-${userId}`, data: { userId }, on: (event: string, handler: Handler) => (handlers[event] = handler), emit: () => true } as never);
  return handlers;
}

const users = Array.from({ length: 100 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const sockets = users.map(socketOf);
const total = Number(messagesText);
const text = 'x'.repeat(100);
let next = 0;
let prefix = 'warm';

function sendOne(i: number): Promise<void> {
  const from = i % 100;
  return new Promise((resolve, reject) => {
    sockets[from]!['send_message']!({ receiverId: users[(i * 7 + 1) % 100], message: text, clientMsgId: `${prefix}-${i}` }, (answer) =>
      answer.ok ? resolve() : reject(new Error(JSON.stringify(answer))),
    );
  });
}

async function sender(): Promise<void> {
  while (next < total) await sendOne(next++);
}

const round = () => Promise.all(Array.from({ length: Number(inFlightText) }, sender));

next = total - 3000; // warm-up: the writer thread, JIT, a few batches
await round();
let gcMs = 0;
let gcCount = 0;
const gc = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    gcCount++;
  }
});
gc.observe({ entryTypes: ['gc'] });
next = 0;
prefix = 'm';
const cpu = process.cpuUsage();
const loop = performance.eventLoopUtilization();
await round();
const busy = performance.eventLoopUtilization(loop);
const used = process.cpuUsage(cpu);
gc.disconnect();
await store.close();
metrics?.close();
fs.rmSync(dir, { recursive: true, force: true });
const per = (value: number) => +(value / total).toFixed(2);
console.log(JSON.stringify({ dist: distDir, messages: total, eventLoopUs: per(busy.active * 1000), cpuUs: per(used.user + used.system), gcUs: per(gcMs * 1000), gcCount }));
