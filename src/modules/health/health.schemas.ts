import { z } from 'zod';
import type { DependencyCheck, HealthReport } from './health.service.js';

/** The answers of /health and /health/live, for the API documents (src/modules/api-docs). */
const dependencyCheckSchema = z.object({
  status: z.enum(['ok', 'error']),
  latencyMs: z.number().min(0),
  error: z
    .enum(['timeout', 'unavailable', 'shutting_down'])
    .optional()
    .meta({ description: 'Why the check failed; the dependency\'s own message goes to the log, never here' }),
}) satisfies z.ZodType<DependencyCheck>;

export const healthReportSchema = z.object({
  status: z.enum(['ok', 'error']),
  checks: z.record(z.string(), dependencyCheckSchema).meta({
    description: '`store` always, `redis` when REDIS_URL is set, `accepting` once a graceful shutdown has begun',
  }),
}) satisfies z.ZodType<HealthReport>;

export const livenessSchema = z.object({ status: z.literal('ok') });
