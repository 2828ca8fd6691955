import { Router } from 'express';
import type { HealthService } from './health.service.js';

export function healthRoutes({ health }: { health: HealthService }): Router {
  const router = Router();

  /** Readiness: every configured dependency answers. 503 names the one that does not. */
  router.get('/', async (_req, res) => {
    const report = await health.check();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });

  /** Liveness: the process answers HTTP. Checks nothing, so a slow dependency never restarts it. */
  router.get('/live', (_req, res) => {
    res.json({ status: 'ok' });
  });

  return router;
}
