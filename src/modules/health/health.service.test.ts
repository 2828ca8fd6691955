import { describe, expect, it } from 'vitest';
import { logSink } from '../../../test/helpers/log-sink.js';
import { createLogger } from '../../shared/logger.js';
import { createHealthService } from './health.service.js';
import { Readiness } from './readiness.js';

function healthWith(probes: Parameters<typeof createHealthService>[0]['probes']) {
  const sink = logSink();
  const logger = createLogger({ level: 'info', pretty: false, destination: sink.stream });
  return { health: createHealthService({ probes, readiness: new Readiness(), logger, timeoutMs: 50 }), sink };
}

describe('health service', () => {
  it('answers a failing dependency with a code, and keeps the driver’s message for the log', async () => {
    const { health, sink } = healthWith({ redis: async () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:6379')) });
    const report = await health.check();
    expect(report).toEqual({ status: 'error', checks: { redis: { status: 'error', latencyMs: expect.any(Number), error: 'unavailable' } } });
    expect(JSON.stringify(report)).not.toContain('10.0.0.7');
    expect(sink.lines).toEqual([expect.objectContaining({ dependency: 'redis', msg: 'health check failed', err: expect.objectContaining({ message: 'connect ECONNREFUSED 10.0.0.7:6379' }) })]);
  });

  it('answers a dependency that does not answer in time with timeout', async () => {
    const { health } = healthWith({ store: () => new Promise(() => {}) });
    expect((await health.check()).checks['store']).toMatchObject({ status: 'error', error: 'timeout' });
  });

  it('logs a failing dependency once per outage, and once when it recovers', async () => {
    let up = false;
    const { health, sink } = healthWith({ store: async () => (up ? undefined : Promise.reject(new Error('down'))) });
    await health.check();
    await health.check();
    up = true;
    await health.check();
    await health.check();
    expect(sink.lines.map((line) => line['msg'])).toEqual(['health check failed', 'health check passes again']);
  });
});
