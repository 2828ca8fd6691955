/** The IPC protocol between the orchestrator (bench/run.ts) and the load generator process. */
import type { LatencySummary } from '../lib/histogram.js';
import type { ProbeReport } from '../lib/probe.js';

/** One client socket to open: the same code serves Parley (a JWT) and the relay (the user id). */
export interface ClientSpec {
  key: string;
  url: string;
  userId: string;
  token: string;
  /** A 127.0.0.x source address, to spread many sockets over more ephemeral ports. */
  localAddress?: string;
}

/** Processes whose CPU the load generator samples at the edges of the measured window. */
export interface ServerSet {
  pids: number[];
  /** Event-loop probe files, one per server pid (bench/event-loop-probe.mjs). */
  probes: { pid: number; file: string }[];
  redisPid?: number;
  /** The CPUs the servers are pinned to ("0"), "" when not pinned: for the foreign-CPU check. */
  cpus?: string;
}

export interface MessagingSpec {
  runId: string;
  /** sender and receiver are client keys; every sender sends to its receiver only. */
  pairs: { sender: string; receiver: string }[];
  /** closed: each sender keeps inFlightPerSender messages not yet both acknowledged and delivered; open: a fixed total rate. */
  mode: 'closed' | 'open';
  inFlightPerSender: number;
  ratePerSecond: number;
  /** Sending starts rampMs before the measured window, which lasts durationMs. */
  rampMs: number;
  durationMs: number;
  drainTimeoutMs: number;
  messageChars: number;
  servers: ServerSet;
  /** A login storm (POST /auth/login) running alongside, over the same window. */
  login?: LoginSpec;
}

export interface LoginSpec {
  url: string;
  users: { username: string; password: string }[];
  concurrency: number;
}

export interface LoginResult {
  completed: number;
  failed: number;
  perSecond: number;
  latency: LatencySummary;
}

export interface Correctness {
  sent: number;
  acked: number;
  failedAcks: number;
  delivered: number;
  duplicateDeliveries: number;
  echoed: number;
  duplicateEchoes: number;
  /** Acked messages the receiver never got, and deliveries of messages never acked. */
  missingDeliveries: number;
  unackedDeliveries: number;
  misrouted: number;
  duplicateIds: number;
  /** A delivered or echoed message whose id differs from the one its ack gave. */
  idMismatches: number;
  unknownMessages: number;
  pendingAtEnd: number;
  firstAckError?: string;
  /** Refused sends by error code. */
  failedByCode: Record<string, number>;
  ok: boolean;
  /** Every check but "no failed acks": what holds for a run where load shedding is expected. */
  okWithRefusals: boolean;
}

export interface MessagingResult {
  wallMs: number;
  /** Acknowledged inside the window. */
  ackedInWindow: number;
  /** Sent (offered) and refused inside the window. */
  sentInWindow: number;
  failedInWindow: number;
  throughput: number;
  serverCpuMicros: number;
  cpuPerMessageUs: number;
  redisCpuMicros: number | null;
  redisCpuPerMessageUs: number | null;
  loadgenCpuPct: number;
  foreignCpuPct: number | null;
  ack: LatencySummary;
  delivery: LatencySummary;
  eventLoop: ProbeReport[];
  correctness: Correctness;
  login?: LoginResult;
}

export interface HistorySpec {
  url: string;
  path: string;
  /** The array the answer must hold (its length is firstPageSize): `messages` (default) or `conversations` (the inbox). */
  listKey?: 'messages' | 'conversations';
  token: string;
  concurrency: number;
  rampMs: number;
  durationMs: number;
  servers: ServerSet;
}

export interface HttpLoadResult {
  completed: number;
  failed: number;
  perSecond: number;
  latency: LatencySummary;
  serverCpuMicros: number;
  cpuPerRequestUs: number;
  loadgenCpuPct: number;
  foreignCpuPct: number | null;
  /** Entries in the first answer (messages of a history page, conversations of an inbox page). */
  firstPageSize?: number;
  firstFailure?: string;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  wallMs: number;
  perSecond: number;
  loadgenCpuPct: number;
  firstError?: string;
}

/** Clients that connect, sync, stay a while and leave, over and over, alongside a run (the soak). */
export interface ChurnSpec {
  clients: ClientSpec[];
  /** How long a client stays connected, ms: a random value in [min, max]. */
  holdMs: [number, number];
  timeoutMs: number;
}

export interface ChurnResult {
  cycles: number;
  failures: number;
  firstError?: string;
}

/**
 * A typing flood (S9): each pair's sender emits `typing` for the pair's conversation, open loop at a
 * fixed total rate spread over the pairs in turn; one event of every `falseEvery` of a pair is
 * `isTyping: false` (the others true), and at the end every pair sends one more `false`. Only the
 * falses carry an ack. The server is expected to forward every false and at most one true per
 * user and conversation per throttleMs, a false in between or not (Parley since 021dc84).
 */
export interface TypingSpec {
  runId: string;
  pairs: { sender: string; receiver: string }[];
  ratePerSecond: number;
  falseEvery: number;
  rampMs: number;
  durationMs: number;
  /** After sending stops: wait at most this long for every false to arrive. */
  drainTimeoutMs: number;
  /** The server's throttle period, and the least allowance for delivery jitter (see TypingCorrectness.jitterAllowanceMs). */
  throttleMs: number;
  jitterMs: number;
  servers: ServerSet;
}

export interface TypingCorrectness {
  sentTrue: number;
  sentFalse: number;
  receivedTrue: number;
  receivedFalse: number;
  /** Falses acked ok, acked with an error (first error kept). */
  ackedFalse: number;
  failedAcks: number;
  firstAckError?: string;
  /** Received by a socket that is not the pair's receiver, or naming another user or conversation. */
  misrouted: number;
  /** Pairs whose received falses are not all their sent falses (after the drain). */
  pairsMissingFalses: number;
  /**
   * How much shorter than throttleMs a gap between two forwarded trues may look at the receiver:
   * the run's worst false delivery latency (scheduled send to receipt; a forwarded event cannot be
   * held up longer than the path allows), at least jitterMs.
   */
  jitterAllowanceMs: number;
  /** Two consecutive forwarded trues of one pair (falses between them or not) closer than throttleMs - jitterAllowanceMs at the receiver. */
  throttleViolations: number;
  /** Such gaps under throttleMs - jitterMs (information: jitter beyond the fixed allowance). */
  tightGaps: number;
  /** The smallest and largest gap between consecutive forwarded trues of a pair (ms), over all pairs; null when no pair had two. */
  minTrueGapMs: number | null;
  maxTrueGapMs: number | null;
  /**
   * Gaps longer than throttleMs + two of a sender's send intervals + jitterAllowanceMs while the
   * sender kept typing: the throttle dropping a true it should have forwarded.
   */
  livenessViolations: number;
  /** Most trues of one pair in one aligned 1-s window of the receiver's clock. */
  maxTruesPerSecondWindow: number;
  /** More trues received in a stretch than were sent in it (duplicates, or events out of order). */
  excessCycles: number;
  ok: boolean;
}

export interface TypingResult {
  wallMs: number;
  /** Sent inside the window (offered), and forwarded events received inside it. */
  sentInWindow: number;
  receivedInWindow: number;
  receivedTrueInWindow: number;
  receivedFalseInWindow: number;
  serverCpuMicros: number;
  cpuPerEventUs: number;
  loadgenCpuPct: number;
  foreignCpuPct: number | null;
  /** Falses only (they are always forwarded): from the scheduled send time to the peer's receipt. */
  falseDelivery: LatencySummary;
  eventLoop: ProbeReport[];
  correctness: TypingCorrectness;
}

export type Command =
  | { cmd: 'connect'; clients: ClientSpec[]; concurrency: number; timeoutMs: number }
  | { cmd: 'disconnect'; keys?: string[] }
  | { cmd: 'messaging'; spec: MessagingSpec }
  | { cmd: 'typing'; spec: TypingSpec }
  | { cmd: 'history'; spec: HistorySpec }
  | { cmd: 'churn-start'; spec: ChurnSpec }
  | { cmd: 'churn-stop' }
  | { cmd: 'exit' };

export interface CommandResults {
  connect: ConnectResult;
  disconnect: { disconnected: number };
  messaging: MessagingResult;
  typing: TypingResult;
  history: HttpLoadResult;
  'churn-start': { started: number };
  'churn-stop': ChurnResult;
  exit: null;
}

export interface Request {
  id: number;
  command: Command;
}

export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
