import { Router } from 'express';
import type { Database } from '../db';
import type { Readiness } from '../http/readiness';
import { APP_VERSION } from '../version';

/**
 * For load balancers and the Docker HEALTHCHECK: 200 only when start-up work has finished and
 * the database answers; 503 `starting` (with what it is doing) or `unavailable` otherwise.
 */
export function healthRoutes(database: Database, readiness: Readiness): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const answers = await database.ping();
    res.setHeader('Cache-Control', 'no-store');
    const status = !answers ? 'unavailable' : readiness.ready ? 'ok' : 'starting';
    res.status(status === 'ok' ? 200 : 503).json({
      status,
      ...(status === 'starting' ? { reason: readiness.reason } : {}),
      database: database.kind() ?? 'unknown',
      version: APP_VERSION,
    });
  });
  return router;
}
