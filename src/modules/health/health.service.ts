import type { Readiness } from './readiness.js';

export interface DependencyCheck {
  status: 'ok' | 'error';
  latencyMs: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'error';
  checks: Record<string, DependencyCheck>;
}

/** A named probe of one dependency: resolves when it answers, rejects otherwise. */
export type HealthProbe = () => Promise<void>;

const DEFAULT_TIMEOUT_MS = 2000;

function withTimeout(probe: HealthProbe, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs);
  });
  return Promise.race([probe(), timeout]).finally(() => clearTimeout(timer));
}

async function runCheck(probe: HealthProbe, timeoutMs: number): Promise<DependencyCheck> {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 100) / 100;
  try {
    await withTimeout(probe, timeoutMs);
    return { status: 'ok', latencyMs: latency() };
  } catch (error) {
    return { status: 'error', latencyMs: latency(), error: (error as Error).message };
  }
}

export type HealthService = ReturnType<typeof createHealthService>;

export function createHealthService(probes: Record<string, HealthProbe>, readiness: Readiness, timeoutMs = DEFAULT_TIMEOUT_MS) {
  async function check(): Promise<HealthReport> {
    const names = Object.keys(probes);
    const results = await Promise.all(names.map((name) => runCheck(probes[name] as HealthProbe, timeoutMs)));
    const checks = Object.fromEntries(names.map((name, index) => [name, results[index] as DependencyCheck]));
    if (!readiness.isAccepting) {
      // Shutting down: load balancers should stop sending work here at once.
      checks['accepting'] = { status: 'error', latencyMs: 0, error: 'shutting down' };
      results.push(checks['accepting']);
    }
    const status = results.every((result) => result.status === 'ok') ? 'ok' : 'error';
    return { status, checks };
  }
  return { check };
}
