import type { ChatMessage, SendMessageAck } from '../../src/protocol/events.js';
import { LatencyHistogram } from '../lib/histogram.js';
import { setChatListener, type ChatClient } from './chat-client.js';
import { startLoginStorm } from './http-load.js';
import type { Correctness, MessagingResult, MessagingSpec } from './protocol.js';
import { MeasuredWindow } from './window.js';
import { paceOpenLoop, waitUntil } from './pace.js';

interface Tracked {
  sender: string;
  receiver: string;
  /** Scheduled send time (open loop) or actual send time (closed loop), performance.now() ms. */
  startAt: number;
  inWindow: boolean;
  id?: string;
  ackedAt?: number;
  failed?: boolean;
  deliveredAt?: number;
  echoed?: boolean;
  /** Closed loop: called once the message is both acknowledged and delivered (or failed). */
  onComplete?: () => void;
}

function complete(entry: Tracked): void {
  const done = entry.onComplete;
  if (done && (entry.failed || (entry.ackedAt !== undefined && entry.deliveredAt !== undefined))) {
    entry.onComplete = undefined;
    done();
  }
}

function messageBody(chars: number): string {
  const text = 'Parley benchmark message: the quick brown fox jumps over the lazy dog 0123456789. ';
  return text.repeat(Math.ceil(chars / text.length)).slice(0, chars);
}

/**
 * One messaging run: senders send to their receivers for rampMs + durationMs, in a closed
 * loop (a fixed number in flight per sender; a slot frees once its message is both
 * acknowledged and delivered, so a lagging delivery path cannot build an unbounded
 * backlog) or an open loop (a fixed total rate, latency
 * counted from each message's scheduled send time); then everything in flight drains.
 */
export async function runMessaging(spec: MessagingSpec, clients: Map<string, ChatClient>): Promise<MessagingResult> {
  const pairs = spec.pairs.map(({ sender, receiver }, index) => {
    const senderClient = clients.get(sender);
    const receiverClient = clients.get(receiver);
    if (!senderClient || !receiverClient) throw new Error(`pair ${sender} -> ${receiver}: client not connected`);
    return { index, sender: senderClient, receiver: receiverClient, next: 0 };
  });
  if (pairs.length === 0) throw new Error('no pairs');
  const body = messageBody(spec.messageChars);
  const prefix = `${spec.runId}.`;
  const tracked = new Map<string, Tracked>();
  const ackHistogram = new LatencyHistogram();
  const deliveryHistogram = new LatencyHistogram();
  const ackIds = new Set<string>();
  const c: Correctness = {
    sent: 0,
    acked: 0,
    failedAcks: 0,
    delivered: 0,
    duplicateDeliveries: 0,
    echoed: 0,
    duplicateEchoes: 0,
    missingDeliveries: 0,
    unackedDeliveries: 0,
    misrouted: 0,
    duplicateIds: 0,
    idMismatches: 0,
    unknownMessages: 0,
    pendingAtEnd: 0,
    failedByCode: {},
    ok: false,
    okWithRefusals: false,
  };
  let windowOpen = false;
  let sending = true;
  let ackedInWindow = 0;
  let sentInWindow = 0;
  let failedInWindow = 0;

  setChatListener({
    onReceive(clientKey: string, message: ChatMessage) {
      const entry = message.clientMsgId?.startsWith(prefix) ? tracked.get(message.clientMsgId) : undefined;
      if (!entry) {
        if (message.clientMsgId?.startsWith(prefix)) c.unknownMessages++;
        return;
      }
      if (clientKey !== entry.receiver) c.misrouted++;
      if (entry.id !== undefined && entry.id !== message.id) c.idMismatches++;
      if (entry.deliveredAt !== undefined) {
        c.duplicateDeliveries++;
        return;
      }
      entry.deliveredAt = performance.now();
      c.delivered++;
      if (entry.inWindow) deliveryHistogram.recordMs(entry.deliveredAt - entry.startAt);
      complete(entry);
    },
    onSent(clientKey: string, message: ChatMessage) {
      const entry = message.clientMsgId?.startsWith(prefix) ? tracked.get(message.clientMsgId) : undefined;
      if (!entry) return;
      if (clientKey !== entry.sender) c.misrouted++;
      if (entry.echoed) {
        c.duplicateEchoes++;
        return;
      }
      entry.echoed = true;
      c.echoed++;
    },
  });

  function send(pair: (typeof pairs)[number], startAt: number, onComplete?: () => void): void {
    const clientMsgId = `${prefix}${pair.index}.${pair.next++}`;
    const entry: Tracked = { sender: pair.sender.key, receiver: pair.receiver.key, startAt, inWindow: windowOpen, ...(onComplete ? { onComplete } : {}) };
    tracked.set(clientMsgId, entry);
    c.sent++;
    if (windowOpen) sentInWindow++;
    pair.sender.send(pair.receiver.spec.userId, body, clientMsgId, (ack: SendMessageAck) => {
      const now = performance.now();
      if (ack.ok) {
        entry.ackedAt = now;
        entry.id = ack.message.id;
        c.acked++;
        if (ackIds.has(ack.message.id)) c.duplicateIds++;
        ackIds.add(ack.message.id);
        if (windowOpen) ackedInWindow++;
        if (entry.inWindow) ackHistogram.recordMs(now - entry.startAt);
      } else {
        entry.failed = true;
        c.failedAcks++;
        c.failedByCode[ack.error.code] = (c.failedByCode[ack.error.code] ?? 0) + 1;
        if (windowOpen) failedInWindow++;
        c.firstAckError ??= `${ack.error.code}: ${ack.error.message}`;
      }
      complete(entry);
    });
  }

  const window = new MeasuredWindow(spec.servers);
  const start = performance.now();
  const login = spec.login ? startLoginStorm(spec.login, () => windowOpen) : undefined;

  if (spec.mode === 'closed') {
    for (const pair of pairs) {
      const loop = (): void => {
        if (sending) send(pair, performance.now(), loop);
      };
      for (let i = 0; i < spec.inFlightPerSender; i++) loop();
    }
  } else if (spec.ratePerSecond > 0) {
    paceOpenLoop(spec.ratePerSecond, start, () => sending, (k, scheduledAt) => send(pairs[k % pairs.length] as (typeof pairs)[number], scheduledAt));
  }

  await new Promise((resolve) => setTimeout(resolve, spec.rampMs));
  windowOpen = true;
  window.start();
  await new Promise((resolve) => setTimeout(resolve, spec.durationMs));
  windowOpen = false;
  sending = false;
  const measured = await window.end();
  const loginResult = await login?.stop(measured.wallMs);

  // Drain: every message acked, delivered and echoed, or the drain timeout.
  await waitUntil(() => c.acked + c.failedAcks === c.sent && c.delivered >= c.acked && c.echoed >= c.acked, spec.drainTimeoutMs);
  await new Promise((resolve) => setTimeout(resolve, 50)); // late duplicates, if any
  setChatListener(undefined);

  for (const entry of tracked.values()) {
    if (entry.ackedAt !== undefined && entry.deliveredAt === undefined) c.missingDeliveries++;
    if (entry.ackedAt === undefined && entry.deliveredAt !== undefined) c.unackedDeliveries++;
  }
  c.pendingAtEnd = c.sent - c.acked - c.failedAcks;
  c.okWithRefusals =
    c.pendingAtEnd === 0 &&
    c.missingDeliveries === 0 &&
    c.unackedDeliveries === 0 &&
    c.duplicateDeliveries === 0 &&
    c.duplicateEchoes === 0 &&
    c.echoed === c.acked &&
    c.delivered === c.acked &&
    c.misrouted === 0 &&
    c.duplicateIds === 0 &&
    c.idMismatches === 0 &&
    c.unknownMessages === 0;
  c.ok = c.okWithRefusals && c.failedAcks === 0;

  return {
    wallMs: measured.wallMs,
    ackedInWindow,
    sentInWindow,
    failedInWindow,
    throughput: (ackedInWindow / measured.wallMs) * 1000,
    serverCpuMicros: measured.serverCpuMicros,
    cpuPerMessageUs: ackedInWindow > 0 ? measured.serverCpuMicros / ackedInWindow : Number.NaN,
    redisCpuMicros: measured.redisCpuMicros,
    redisCpuPerMessageUs:
      measured.redisCpuMicros === null || ackedInWindow === 0 ? null : measured.redisCpuMicros / ackedInWindow,
    loadgenCpuPct: measured.loadgenCpuPct,
    foreignCpuPct: measured.foreignCpuPct,
    ack: ackHistogram.summary(),
    delivery: deliveryHistogram.summary(),
    eventLoop: measured.eventLoop,
    correctness: c,
    ...(loginResult ? { login: loginResult } : {}),
  };
}
