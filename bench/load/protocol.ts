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

export type Command =
  | { cmd: 'connect'; clients: ClientSpec[]; concurrency: number; timeoutMs: number }
  | { cmd: 'disconnect'; keys?: string[] }
  | { cmd: 'messaging'; spec: MessagingSpec }
  | { cmd: 'history'; spec: HistorySpec }
  | { cmd: 'churn-start'; spec: ChurnSpec }
  | { cmd: 'churn-stop' }
  | { cmd: 'exit' };

export interface CommandResults {
  connect: ConnectResult;
  disconnect: { disconnected: number };
  messaging: MessagingResult;
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
