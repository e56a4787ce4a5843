/**
 * `GET` and `PUT /api/v1/settings/programme`: the target and the rule of who counts as
 * trained. Coordinators read them (they report against them); administrators change them.
 */
import { Router } from 'express';
import { requireSignedIn } from '../accounts/bearer';
import { can } from '../accounts/policy';
import { ForbiddenError } from '../http/errors';
import { parseInput } from '../http/validate';
import { requestIdOf } from '../users/page-helpers';
import { getSettingsRecord, type SettingsRecord, settingsSchema } from './settings';
import { changeSettings } from './settings-change';
import { allowLongRequest } from '../http/request-timeout';

const asJson = (settings: SettingsRecord) => ({
  target: settings.target,
  countingStatuses: settings.countingStatuses,
  requiredShare: settings.requiredShare,
  ...(settings.updatedAt ? { updatedAt: settings.updatedAt.toISOString() } : {}),
  ...(settings.updatedBy ? { updatedBy: settings.updatedBy } : {}),
});

export function settingsApi(): Router {
  const router = Router();

  router.get('/settings/programme', requireSignedIn, async (req, res) => {
    if (!can(req.user, 'programme.follow')) throw new ForbiddenError('coordinators and administrators read the programme settings');
    res.json(asJson(await getSettingsRecord()));
  });

  router.put('/settings/programme', requireSignedIn, allowLongRequest, async (req, res) => {
    // Refused before the body is read: a coordinator learns nothing from a validation error.
    if (!can(req.user, 'programme.configure')) throw new ForbiddenError('only administrators change the programme settings');
    const input = parseInput(req, settingsSchema, req.body ?? {});
    const change = await changeSettings(req.user, input, requestIdOf(req));
    res.json({ ...asJson(change.settings), trained: change.trained, trainedBefore: change.trainedBefore, recounted: change.recounted });
  });

  return router;
}
