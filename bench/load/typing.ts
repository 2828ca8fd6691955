import type { TypingAck, TypingEvent, TypingPayload } from '../../src/protocol/events.js';
import { LatencyHistogram } from '../lib/histogram.js';
import { setChatListener, type ChatClient } from './chat-client.js';
import type { TypingCorrectness, TypingResult, TypingSpec } from './protocol.js';
import { MeasuredWindow } from './window.js';
import { paceOpenLoop, waitUntil } from './pace.js';

/** The typed emit wants an ack for `typing`; on the wire it is optional, and trues are sent without one. */
type LooseEmit = (event: 'typing', payload: TypingPayload, ack?: (response: TypingAck) => void) => void;

interface PairState {
  sender: ChatClient;
  receiver: ChatClient;
  senderId: string;
  conversationId: string;
  /** Stagger: which event of every falseEvery is this pair's false. */
  offset: number;
  next: number;
  sentTrue: number;
  sentFalse: number;
  /** Trues sent between consecutive falses: [before the 1st false, between the 1st and 2nd, ...]. */
  sentCycleTrues: number[];
  /** Scheduled send time of each false, and whether it was scheduled inside the window. */
  falseAt: number[];
  falseInWindow: boolean[];
  receivedTrue: number;
  receivedFalse: number;
  receivedCycleTrues: number[];
  /** Receive time of the last forwarded true. */
  lastTrueAt: number | undefined;
  bucket: number;
  bucketCount: number;
}

const directConversationId = (a: string, b: string) => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);

/**
 * One typing flood (S9): open loop at spec.ratePerSecond over all pairs in turn, for rampMs +
 * durationMs; then a final false per pair and a drain until every false has arrived. Checks at the
 * receivers that every false arrives, in order, to the right socket only, and that the trues
 * forwarded come one per throttle period: never closer (less the delivery jitter the run's falses
 * show), never much further apart while the sender keeps typing.
 */
export async function runTyping(spec: TypingSpec, clients: Map<string, ChatClient>): Promise<TypingResult> {
  if (spec.falseEvery < 2) throw new Error('falseEvery must be at least 2');
  const pairs: PairState[] = spec.pairs.map(({ sender, receiver }, index) => {
    const senderClient = clients.get(sender);
    const receiverClient = clients.get(receiver);
    if (!senderClient || !receiverClient) throw new Error(`pair ${sender} -> ${receiver}: client not connected`);
    return {
      sender: senderClient,
      receiver: receiverClient,
      senderId: senderClient.spec.userId,
      conversationId: directConversationId(senderClient.spec.userId, receiverClient.spec.userId),
      offset: Math.floor((index * spec.falseEvery) / spec.pairs.length),
      next: 0,
      sentTrue: 0,
      sentFalse: 0,
      sentCycleTrues: [0],
      falseAt: [],
      falseInWindow: [],
      receivedTrue: 0,
      receivedFalse: 0,
      receivedCycleTrues: [0],
      lastTrueAt: undefined,
      bucket: -1,
      bucketCount: 0,
    };
  });
  if (pairs.length === 0) throw new Error('no pairs');
  const byReceiver = new Map(pairs.map((pair) => [pair.receiver.key, pair]));
  const c: TypingCorrectness = {
    sentTrue: 0,
    sentFalse: 0,
    receivedTrue: 0,
    receivedFalse: 0,
    ackedFalse: 0,
    failedAcks: 0,
    misrouted: 0,
    pairsMissingFalses: 0,
    jitterAllowanceMs: spec.jitterMs,
    throttleViolations: 0,
    tightGaps: 0,
    minTrueGapMs: null,
    maxTrueGapMs: null,
    livenessViolations: 0,
    maxTruesPerSecondWindow: 0,
    excessCycles: 0,
    ok: false,
  };
  const falseDelivery = new LatencyHistogram();
  let windowOpen = false;
  let sending = true;
  let sentInWindow = 0;
  let receivedInWindow = 0;
  let receivedTrueInWindow = 0;
  let receivedFalseInWindow = 0;
  /** Gaps at the receiver between consecutive forwarded trues of a pair (falses between them or not). */
  const trueGaps: number[] = [];
  let worstFalseLatencyMs = 0;

  setChatListener({
    onReceive: () => undefined,
    onSent: () => undefined,
    onTyping(clientKey: string, event: TypingEvent) {
      const now = performance.now();
      const pair = byReceiver.get(clientKey);
      if (!pair || event.userId !== pair.senderId || event.conversationId !== pair.conversationId) {
        c.misrouted++;
        return;
      }
      if (windowOpen) receivedInWindow++;
      if (event.isTyping) {
        pair.receivedTrue++;
        c.receivedTrue++;
        if (windowOpen) receivedTrueInWindow++;
        if (pair.lastTrueAt !== undefined) {
          const gap = now - pair.lastTrueAt;
          c.minTrueGapMs = c.minTrueGapMs === null ? gap : Math.min(c.minTrueGapMs, gap);
          c.maxTrueGapMs = c.maxTrueGapMs === null ? gap : Math.max(c.maxTrueGapMs, gap);
          trueGaps.push(gap);
        }
        pair.lastTrueAt = now;
        const bucket = Math.floor(now / 1000);
        pair.bucketCount = bucket === pair.bucket ? pair.bucketCount + 1 : 1;
        pair.bucket = bucket;
        c.maxTruesPerSecondWindow = Math.max(c.maxTruesPerSecondWindow, pair.bucketCount);
        pair.receivedCycleTrues[pair.receivedCycleTrues.length - 1] = (pair.receivedCycleTrues.at(-1) ?? 0) + 1;
      } else {
        const index = pair.receivedFalse++;
        c.receivedFalse++;
        if (windowOpen) receivedFalseInWindow++;
        const scheduled = pair.falseAt[index];
        if (scheduled !== undefined) {
          worstFalseLatencyMs = Math.max(worstFalseLatencyMs, now - scheduled);
          if (pair.falseInWindow[index]) falseDelivery.recordMs(now - scheduled);
        }
        pair.receivedCycleTrues.push(0);
      }
    },
  });

  const emit = (pair: PairState, isTyping: boolean, scheduledAt: number): void => {
    const payload: TypingPayload = { conversationId: pair.conversationId, isTyping };
    const send = pair.sender.socket.emit.bind(pair.sender.socket) as unknown as LooseEmit;
    if (windowOpen) sentInWindow++;
    if (isTyping) {
      pair.sentTrue++;
      c.sentTrue++;
      pair.sentCycleTrues[pair.sentCycleTrues.length - 1] = (pair.sentCycleTrues.at(-1) ?? 0) + 1;
      send('typing', payload);
      return;
    }
    pair.sentFalse++;
    c.sentFalse++;
    pair.sentCycleTrues.push(0);
    pair.falseAt.push(scheduledAt);
    pair.falseInWindow.push(windowOpen);
    send('typing', payload, (ack) => {
      if (ack.ok) c.ackedFalse++;
      else {
        c.failedAcks++;
        c.firstAckError ??= `${ack.error.code}: ${ack.error.message}`;
      }
    });
  };

  const window = new MeasuredWindow(spec.servers);
  const start = performance.now();
  paceOpenLoop(spec.ratePerSecond, start, () => sending, (k, scheduledAt) => {
    const pair = pairs[k % pairs.length] as PairState;
    const j = pair.next++;
    emit(pair, (j + pair.offset) % spec.falseEvery !== spec.falseEvery - 1, scheduledAt);
  });

  await new Promise((resolve) => setTimeout(resolve, spec.rampMs));
  windowOpen = true;
  window.start();
  await new Promise((resolve) => setTimeout(resolve, spec.durationMs));
  windowOpen = false;
  sending = false;
  const measured = await window.end();

  // Everyone stops typing: the throttle starts the next run afresh, and the last stretch is closed.
  const stopAt = performance.now();
  for (const pair of pairs) emit(pair, false, stopAt);
  await waitUntil(() => c.ackedFalse + c.failedAcks === c.sentFalse && pairs.every((pair) => pair.receivedFalse >= pair.sentFalse), spec.drainTimeoutMs);
  await new Promise((resolve) => setTimeout(resolve, 100)); // late or duplicate events, if any
  setChatListener(undefined);

  c.jitterAllowanceMs = Math.max(spec.jitterMs, Math.ceil(worstFalseLatencyMs));
  c.throttleViolations = trueGaps.filter((gap) => gap < spec.throttleMs - c.jitterAllowanceMs).length;
  c.tightGaps = trueGaps.filter((gap) => gap < spec.throttleMs - spec.jitterMs).length;
  // A sender sends every pairs.length events; a false slot can add one interval more.
  const senderIntervalMs = (1000 / spec.ratePerSecond) * pairs.length;
  c.livenessViolations = trueGaps.filter((gap) => gap > spec.throttleMs + 2 * senderIntervalMs + c.jitterAllowanceMs).length;
  for (const pair of pairs) {
    if (pair.receivedFalse !== pair.sentFalse) c.pairsMissingFalses++;
    pair.sentCycleTrues.forEach((sent, cycle) => {
      if ((pair.receivedCycleTrues[cycle] ?? 0) > sent) c.excessCycles++;
    });
  }
  c.ok =
    c.failedAcks === 0 &&
    c.ackedFalse === c.sentFalse &&
    c.receivedFalse === c.sentFalse &&
    c.pairsMissingFalses === 0 &&
    c.misrouted === 0 &&
    c.throttleViolations === 0 &&
    c.livenessViolations === 0 &&
    c.excessCycles === 0 &&
    c.receivedTrue <= c.sentTrue;

  return {
    wallMs: measured.wallMs,
    sentInWindow,
    receivedInWindow,
    receivedTrueInWindow,
    receivedFalseInWindow,
    serverCpuMicros: measured.serverCpuMicros,
    cpuPerEventUs: sentInWindow > 0 ? measured.serverCpuMicros / sentInWindow : Number.NaN,
    loadgenCpuPct: measured.loadgenCpuPct,
    foreignCpuPct: measured.foreignCpuPct,
    falseDelivery: falseDelivery.summary(),
    eventLoop: measured.eventLoop,
    correctness: c,
  };
}
