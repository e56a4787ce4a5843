import { Router } from 'express';
import { buildOpenApiDocument } from './document';

/**
 * `GET /api/v1/openapi.json`: the API's OpenAPI 3.1 description, built once when the app is
 * made. Public; mounted ahead of the bearer authentication, so it reads no token.
 */
export function openapiApi(): Router {
  const body = JSON.stringify(buildOpenApiDocument());
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
  return router;
}
