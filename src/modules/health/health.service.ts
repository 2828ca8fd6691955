import type { Logger } from '../../shared/logger.js';
import type { Readiness } from './readiness.js';

/**
 * Why a check failed, as a code: `/health` is often reachable from outside, so the driver's own
 * message (hosts, ports, versions) goes to the log, never into the answer.
 */
export type CheckFailure = 'timeout' | 'unavailable' | 'shutting_down';

export interface DependencyCheck {
  status: 'ok' | 'error';
  latencyMs: number;
  error?: CheckFailure;
}

export interface HealthReport {
  status: 'ok' | 'error';
  checks: Record<string, DependencyCheck>;
}

/** A named probe of one dependency: resolves when it answers, rejects otherwise. */
export type HealthProbe = () => Promise<void>;

export interface HealthServiceOptions {
  probes: Record<string, HealthProbe>;
  readiness: Readiness;
  logger: Logger;
  /** How long a probe may take before it counts as failed (`timeout`). Default 2000 ms. */
  timeoutMs?: number;
}

class ProbeTimeout extends Error {}

function withTimeout(probe: HealthProbe, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${timeoutMs}ms`)), timeoutMs);
  });
  return Promise.race([probe(), timeout]).finally(() => clearTimeout(timer));
}

export type HealthService = ReturnType<typeof createHealthService>;

export function createHealthService({ probes, readiness, logger, timeoutMs = 2000 }: HealthServiceOptions) {
  // A failing dependency is logged when it starts failing, not at every poll of a load balancer.
  const failing = new Set<string>();

  async function runCheck(name: string, probe: HealthProbe): Promise<DependencyCheck> {
    const started = performance.now();
    const latency = () => Math.round((performance.now() - started) * 100) / 100;
    try {
      await withTimeout(probe, timeoutMs);
      if (failing.delete(name)) logger.info({ dependency: name }, 'health check passes again');
      return { status: 'ok', latencyMs: latency() };
    } catch (error) {
      if (!failing.has(name)) logger.warn({ err: error, dependency: name }, 'health check failed');
      failing.add(name);
      return { status: 'error', latencyMs: latency(), error: error instanceof ProbeTimeout ? 'timeout' : 'unavailable' };
    }
  }

  async function check(): Promise<HealthReport> {
    const names = Object.keys(probes);
    const results = await Promise.all(names.map((name) => runCheck(name, probes[name] as HealthProbe)));
    const checks = Object.fromEntries(names.map((name, index) => [name, results[index] as DependencyCheck]));
    if (!readiness.isAccepting) {
      // Shutting down: load balancers should stop sending work here at once.
      checks['accepting'] = { status: 'error', latencyMs: 0, error: 'shutting_down' };
      results.push(checks['accepting']);
    }
    const status = results.every((result) => result.status === 'ok') ? 'ok' : 'error';
    return { status, checks };
  }
  return { check };
}
