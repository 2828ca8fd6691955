import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { errors } from '../../shared/errors.js';

/** Compares without leaking, through timing, how much of the token was right. */
function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET /metrics: the registry in Prometheus' text format. With a token, only `Authorization: Bearer
 * <token>` reads it (401 otherwise): the numbers say how busy the instance is and which errors it
 * answers, nothing about users, but an operator may not want them public.
 */
export function metricsRoutes({ registry, token }: { registry: Registry; token: string | undefined }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    if (token !== undefined) {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (given === undefined || !sameToken(given, token)) throw errors.unauthorized('Send Authorization: Bearer <METRICS_TOKEN>');
    }
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });
  return router;
}
