import express, { type RequestHandler, Router } from 'express';
import { notFoundHandler } from './error-handler';
import { refuseUnstorableText } from './unstorable-text';

export const API_BODY_LIMIT = '100kb';

/**
 * /api/v1: JSON in and out. Each feature mounts its router here; anything unmatched is a 404
 * problem document, never the HTML error page.
 */
export function apiRouter(features: Array<Router | RequestHandler>): Router {
  const router = Router();
  router.use(express.json({ limit: API_BODY_LIMIT, strict: true }));
  router.use(refuseUnstorableText);
  for (const feature of features) router.use(feature);
  router.use(notFoundHandler);
  return router;
}
