/** `/api/v1/sessions`: scheduling, finding, editing and cancelling sessions (docs/api.md, "Training sessions"). */
import { type Request, Router } from 'express';
import { z } from 'zod';
import { requireSignedIn } from '../accounts/bearer';
import { parseInput } from '../http/validate';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';
import { readerLanguage } from '../i18n/middleware';
import { findSession } from './access';
import { cancelSession, updateSession } from './change';
import { findSessions, sessionListQuery } from './find';
import type { TrainingSessionDocument } from './model';
import { namesFor, serialiseSession } from './present';
import { scheduleSession, type ScheduleWarning } from './schedule';

export const sessionReadQuery = z.strictObject({ lang: z.enum(SUPPORTED_LANGUAGES).optional() });

async function present(req: Request, session: TrainingSessionDocument, warnings?: ScheduleWarning[]) {
  const view = serialiseSession(session, await namesFor([session], readerLanguage(req)));
  return warnings === undefined ? view : { ...view, warnings };
}

export function sessionsApi(): Router {
  const router = Router();

  router.post('/sessions', requireSignedIn, async (req, res) => {
    const { session, warnings } = await scheduleSession(req.user, req.body ?? {});
    res.status(201).location(`/api/v1/sessions/${String(session._id)}`).json(await present(req, session, warnings));
  });

  router.get('/sessions', async (req, res) => {
    const { page, pageSize, lang: _lang, ...filter } = parseInput(req, sessionListQuery, req.query);
    const { items, total } = await findSessions(filter, { page, pageSize });
    const names = await namesFor(items, readerLanguage(req));
    res.json({ items: items.map((session) => serialiseSession(session, names)), total, page, pageSize, lang: readerLanguage(req) });
  });

  router.get('/sessions/:id', async (req, res) => {
    parseInput(req, sessionReadQuery, req.query);
    res.json(await present(req, await findSession(String(req.params.id))));
  });

  router.patch('/sessions/:id', requireSignedIn, async (req, res) => {
    const { session, warnings } = await updateSession(req.user, String(req.params.id), req.body ?? {});
    res.json(await present(req, session, warnings));
  });

  router.post('/sessions/:id/cancel', requireSignedIn, async (req, res) => {
    res.json(await present(req, await cancelSession(req.user, String(req.params.id))));
  });

  return router;
}
