import { Router } from 'express';
import type { Database } from '../db';
import { APP_VERSION } from '../version';

/** For load balancers and the Docker HEALTHCHECK: 200 only when the database answers. */
export function healthRoutes(database: Database): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const answers = await database.ping();
    res.setHeader('Cache-Control', 'no-store');
    res.status(answers ? 200 : 503).json({
      status: answers ? 'ok' : 'unavailable',
      database: database.kind() ?? 'unknown',
      version: APP_VERSION,
    });
  });
  return router;
}
