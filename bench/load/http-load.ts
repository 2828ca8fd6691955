import http from 'node:http';
import { LatencyHistogram } from '../lib/histogram.js';
import type { HistorySpec, HttpLoadResult, LoginResult, LoginSpec } from './protocol.js';
import { MeasuredWindow } from './window.js';

interface HttpAnswer {
  status: number;
  bytes: number;
  text?: string;
}

function httpRequest(
  agent: http.Agent,
  url: URL,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string; keepText?: boolean },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: { ...options.headers, ...(options.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) } : {}) },
      },
      (response) => {
        let bytes = 0;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (options.keepText || (response.statusCode ?? 0) >= 400) chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, bytes, text: chunks.length > 0 ? Buffer.concat(chunks).toString() : undefined }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** `concurrency` workers, each sending one request after another until stopped. */
function workers(
  concurrency: number,
  next: (worker: number, iteration: number) => Promise<HttpAnswer>,
  isWindowOpen: () => boolean,
  isOk: (answer: HttpAnswer) => boolean,
) {
  let running = true;
  let completed = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const histogram = new LatencyHistogram();
  const loops = Array.from({ length: concurrency }, async (_, worker) => {
    for (let iteration = 0; running; iteration++) {
      const startedAt = performance.now();
      try {
        const answer = await next(worker, iteration);
        if (!isOk(answer)) throw new Error(`HTTP ${answer.status} ${answer.text?.slice(0, 200) ?? ''}`);
        // Completions inside the window give the rate (slow requests may start before it).
        if (isWindowOpen()) {
          completed++;
          histogram.recordMs(performance.now() - startedAt);
        }
      } catch (error) {
        failed++;
        firstFailure ??= String(error);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { completed, failed, histogram, firstFailure };
    },
  };
}

/** POST /auth/login with rotating users, alongside some other load. */
export function startLoginStorm(spec: LoginSpec, isWindowOpen: () => boolean) {
  const url = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const storm = workers(
    spec.concurrency,
    (worker, iteration) => {
      const user = spec.users[(worker + iteration * spec.concurrency) % spec.users.length];
      return httpRequest(agent, url, { method: 'POST', path: '/auth/login', body: JSON.stringify(user) });
    },
    isWindowOpen,
    (answer) => answer.status === 200,
  );
  return {
    async stop(windowMs: number): Promise<LoginResult> {
      const { completed, failed, histogram } = await storm.stop();
      agent.destroy();
      return { completed, failed, perSecond: (completed / windowMs) * 1000, latency: histogram.summary() };
    },
  };
}

/** GET one path (history, inbox) with a Bearer token from `concurrency` keep-alive connections. */
export async function runHistoryLoad(spec: HistorySpec): Promise<HttpLoadResult> {
  const url = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const headers = { authorization: `Bearer ${spec.token}` };
  // One request first, to fail fast with the server's answer.
  const probe = await httpRequest(agent, url, { method: 'GET', path: spec.path, headers, keepText: true });
  if (probe.status !== 200) throw new Error(`GET ${spec.path}: HTTP ${probe.status} ${probe.text ?? ''}`);
  const listKey = spec.listKey ?? 'messages';
  const list = (JSON.parse(probe.text ?? '{}') as Record<string, unknown>)[listKey];
  if (!Array.isArray(list)) throw new Error(`GET ${spec.path}: no ${listKey} array`);

  let windowOpen = false;
  const load = workers(
    spec.concurrency,
    () => httpRequest(agent, url, { method: 'GET', path: spec.path, headers }),
    () => windowOpen,
    (answer) => answer.status === 200,
  );
  const window = new MeasuredWindow(spec.servers);
  await new Promise((resolve) => setTimeout(resolve, spec.rampMs));
  windowOpen = true;
  window.start();
  await new Promise((resolve) => setTimeout(resolve, spec.durationMs));
  windowOpen = false;
  const measured = await window.end();
  const { completed, failed, histogram, firstFailure } = await load.stop();
  agent.destroy();
  return {
    completed,
    failed,
    perSecond: (completed / measured.wallMs) * 1000,
    latency: histogram.summary(),
    serverCpuMicros: measured.serverCpuMicros,
    cpuPerRequestUs: completed > 0 ? measured.serverCpuMicros / completed : Number.NaN,
    loadgenCpuPct: measured.loadgenCpuPct,
    foreignCpuPct: measured.foreignCpuPct,
    firstPageSize: list.length,
    ...(firstFailure ? { firstFailure } : {}),
  };
}
