/**
 * `/admin/programme`: administrators set the target and the rule of who counts as trained,
 * and see what the rule means in words, how many people it counts, and who changed it last.
 */
import { type Request, type Response, Router } from 'express';
import { User } from '../accounts/model';
import { can } from '../accounts/policy';
import { type AppError, ForbiddenError } from '../http/errors';
import { renderPage } from '../http/render';
import { formErrorsFrom, keptFormValues, type ShownFieldError, toFieldErrors } from '../http/validate';
import { readerLanguage } from '../i18n/middleware';
import { listOf, requestIdOf } from '../users/page-helpers';
import { ATTENDANCE_STATUSES } from './model';
import { ruleSentence } from './rule-text';
import { getSettingsRecord, settingsSchema } from './settings';
import { changeSettings, trainedTotal } from './settings-change';
import { allowLongRequest } from '../http/request-timeout';

const PATH = '/admin/programme';
/** The shares the page offers, by the name of their label; the API may set another, which the page then offers too. */
const SHARE_LABELS = new Map([
  [1, 'all'],
  [0.75, 'three-quarters'],
  [0.5, 'half'],
]);
const SHARES = [...SHARE_LABELS.keys()];

interface Form {
  values: Record<string, string | undefined>;
  statuses: string[];
  errors: ShownFieldError[];
}

/** `?done=` after a save: the count before the rule changed comes back in `before`. */
function doneMessage(req: Request, res: Response, trained: number): string | undefined {
  const number = (value: number) => res.locals.format.number(value) as string;
  if (req.query.done === 'saved') return req.t('settings:saved', { count: trained, trained: number(trained) });
  const before = Number(req.query.before);
  if (req.query.done === 'recounted' && Number.isInteger(before) && before >= 0) return req.t('settings:recounted', { count: trained, trained: number(trained), before: number(before) });
  return undefined;
}

async function render(req: Request, res: Response, form: Form | undefined, status = 200) {
  if (!can(req.user, 'programme.configure')) throw new ForbiddenError();
  const lang = readerLanguage(req);
  const [settings, trained] = await Promise.all([getSettingsRecord(), trainedTotal()]);
  const changedBy = settings.updatedBy ? await User.findById(settings.updatedBy).select({ name: 1 }).lean() : null;
  const shares = SHARES.includes(settings.requiredShare) ? SHARES : [...SHARES, settings.requiredShare].sort((a, b) => b - a);
  await renderPage(
    res,
    'settings/programme',
    {
      title: req.t('settings:title'),
      rule: ruleSentence(req.t, lang, settings),
      trained,
      changed: settings.updatedAt ? { at: settings.updatedAt, by: changedBy?.name ?? req.t('settings:someone') } : undefined,
      done: status === 200 && !form ? doneMessage(req, res, trained) : undefined,
      values: form?.values ?? { target: String(settings.target), requiredShare: String(settings.requiredShare) },
      statuses: form?.statuses ?? settings.countingStatuses,
      errors: form?.errors ?? [],
      statusOptions: ATTENDANCE_STATUSES.map((value) => ({ value, label: req.t(`attendance:status.${value}`) })),
      shareOptions: shares.map((share) => ({ value: String(share), label: req.t(`settings:share.${SHARE_LABELS.get(share) ?? 'other'}`, { percent: res.locals.format.percent(share) as string }) })),
    },
    status,
  );
}

/** A whole number typed in the form, spaces allowed; anything else goes on as text, for the schema to refuse. */
const numberOrText = (value: string | undefined, pattern: RegExp) => {
  const trimmed = value?.replace(/\s/g, '');
  if (!trimmed) return undefined;
  return pattern.test(trimmed) ? Number(trimmed) : trimmed;
};

/** Errors as the form shows them: on the field (not `countingStatuses.0`), and "choose one" for no box ticked. */
function formErrors(req: Request, errors: ShownFieldError[]): ShownFieldError[] {
  return errors.map((error) => {
    const path = error.path.split('.')[0]!;
    return path === 'countingStatuses' && error.path === path ? { path, message: req.t('settings:errors.statuses-required') } : { ...error, path };
  });
}

export function settingsPages(): Router {
  const router = Router();

  router.get(PATH, async (req, res) => {
    if (!req.user) return res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(PATH)}`);
    await render(req, res, undefined);
  });

  router.post(PATH, allowLongRequest, async (req, res) => {
    if (!req.user) return res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(PATH)}`);
    if (!can(req.user, 'programme.configure')) throw new ForbiddenError();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form: Form = { values: keptFormValues(body, ['target', 'requiredShare']), statuses: listOf(body.countingStatuses), errors: [] };
    // Only this form's fields go to the schema: `_csrf` and anything else stays out.
    const parsed = settingsSchema.safeParse(
      { target: numberOrText(form.values.target, /^\d{1,9}$/), countingStatuses: form.statuses, requiredShare: numberOrText(form.values.requiredShare, /^(0|1)(\.\d{1,4})?$/) },
      { reportInput: true },
    );
    if (!parsed.success) return render(req, res, { ...form, errors: formErrors(req, toFieldErrors(parsed.error.issues, req.t)) }, 400);
    try {
      const change = await changeSettings(req.user, parsed.data, requestIdOf(req));
      res.redirect(303, change.recounted ? `${PATH}?done=recounted&before=${change.trainedBefore}` : `${PATH}?done=saved`);
    } catch (error) {
      const errors = formErrorsFrom(error, req.t);
      if (!errors) throw error;
      await render(req, res, { ...form, errors }, (error as AppError).status);
    }
  });

  return router;
}
