/**
 * What the metrics add to one send, isolated from S1's noise: CPU time per message of the
 * instrumentation a socket send goes through (the socket event's timer and count, the send path's
 * timer and stored count, the store call's timer, the delivered count, one HTTP-style observation
 * for good measure), with the real code of this build around a store that answers at once,
 * against the same loop without metrics.
 *
 *   node --import tsx bench/bare/metrics-cost.ts [MESSAGES]
 *
 * Prints one JSON line: { messages, withMetricsUs, withoutUs, addedUs }.
 */
import { instrumentChatService } from '../../src/modules/chats/index.js';
import { createMetrics, secondsSince } from '../../src/shared/metrics.js';
import { instrumentStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';

const total = Number(process.argv[2] ?? '200000');
const message = { id: '1', conversationId: 'dm:a:b', senderId: 'a', receiverId: 'b', message: 'x', createdAt: new Date().toISOString() };

function fakeStore(): Store {
  const answer = async () => ({ message, created: true });
  return { kind: 'sqlite', messages: { insert: answer }, users: {}, conversations: {}, blocks: {}, revocations: {}, ping: async () => {}, close: async () => {} } as unknown as Store;
}

async function loop(withMetrics: boolean): Promise<number> {
  const metrics = withMetrics ? createMetrics() : undefined;
  const store = metrics ? instrumentStore(fakeStore(), metrics.storeOperationDuration) : fakeStore();
  const base = {
    sendMessage: async () => store.messages.insert(message as never) as unknown as { message: typeof message; created: boolean },
  } as never;
  const chats = metrics ? instrumentChatService(base, metrics) : (base as { sendMessage: (...args: unknown[]) => Promise<{ created: boolean }> });
  const duration = metrics?.socketEventDuration.labels('send_message');
  const counted = metrics?.socketEvents.labels('send_message', 'ok');
  const start = process.cpuUsage();
  for (let i = 0; i < total; i++) {
    const started = performance.now();
    await (chats as { sendMessage: (...args: unknown[]) => Promise<{ created: boolean }> }).sendMessage('a', { receiverId: 'b', message: 'x' });
    metrics?.messagesDelivered.inc();
    duration?.observe(secondsSince(started));
    counted?.inc();
  }
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / total);
}

const rounds: Array<{ with: number; without: number }> = [];
for (let round = 0; round < 5; round++) rounds.push({ without: await loop(false), with: await loop(true) });
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const withMetricsUs = median(rounds.map((r) => r.with));
const withoutUs = median(rounds.map((r) => r.without));
console.log(JSON.stringify({ messages: total, withMetricsUs: +withMetricsUs.toFixed(3), withoutUs: +withoutUs.toFixed(3), addedUs: +(withMetricsUs - withoutUs).toFixed(3) }));
