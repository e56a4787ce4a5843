import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { AppError } from '../http/errors';
import { renderPage } from '../http/render';
import { formErrorsFrom } from '../http/validate';
import { findSessionUser } from '../accounts/service';
import { safeReturnPath, startSession } from '../accounts/sign-in-session';
import {
  confirmEnrolment,
  disableTwoFactor,
  isTwoFactorRequired,
  pendingEnrolment,
  regenerateRecoveryCodes,
  remainingRecoveryCodes,
  startEnrolment,
  type TwoFactorContext,
  verifySecondFactor,
} from './service';
import { clearPendingSignIn, pendingSignIn, secondStepLimits } from './sign-in-step';

type FormErrors = Array<{ path: string; message: string }>;

const HOME = '/profile/two-factor';
/** Fewer than this many recovery codes left: the page suggests making new ones. */
const FEW_RECOVERY_CODES = 3;

const field = (req: Request, name: string): string => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, 200) : '';
};

/** Signed-in pages only; anyone else is sent to sign in and brought back. */
const signedIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(req.originalUrl)}`);
};

async function renderStatus(req: Request, res: Response, errors: FormErrors = [], status = 200) {
  const user = req.user!;
  const remaining = user.twoFactorEnabled ? await remainingRecoveryCodes(user.id) : 0;
  await renderPage(
    res,
    'two-factor/status',
    {
      title: req.t('two-factor:status.title'),
      enabled: user.twoFactorEnabled,
      required: isTwoFactorRequired(user),
      remaining,
      fewLeft: user.twoFactorEnabled && remaining < FEW_RECOVERY_CODES,
      done: typeof req.query.done === 'string' ? req.query.done : undefined,
      errors,
    },
    status,
  );
}

async function renderSetup(context: TwoFactorContext, req: Request, res: Response, errors: FormErrors = [], status = 200) {
  const enrolment = await pendingEnrolment(context, req.user!.id);
  if (!enrolment) return res.redirect(303, HOME);
  await renderPage(res, 'two-factor/setup', { title: req.t('two-factor:setup.title'), enrolment, errors }, status);
}

/** Recovery codes are shown once: the page must not be kept by the browser or a proxy. */
async function renderRecoveryCodes(req: Request, res: Response, codes: string[], afterEnrolment: boolean) {
  res.set('Cache-Control', 'no-store');
  await renderPage(res, 'two-factor/recovery-codes', { title: req.t('two-factor:codes.title'), codes, afterEnrolment });
}

async function renderSecondStep(req: Request, res: Response, errors: FormErrors = [], status = 200) {
  await renderPage(res, 'two-factor/sign-in', { title: req.t('two-factor:sign-in.title'), errors }, status);
}

/** Runs a form action; a refused input shows the form again with the error, anything else throws. */
async function orFormErrors(req: Request, action: () => Promise<void>, show: (errors: FormErrors, status: number) => Promise<unknown>) {
  try {
    await action();
  } catch (error) {
    const errors = formErrorsFrom(error, req.t);
    if (!errors) throw error;
    await show(errors, (error as AppError).status);
  }
}

export function twoFactorPages(context: TwoFactorContext): Router {
  const router = Router();

  router.get(HOME, signedIn, async (req, res) => renderStatus(req, res));

  router.post(`${HOME}/setup`, signedIn, async (req, res) => {
    if (req.user!.twoFactorEnabled) return res.redirect(303, HOME);
    await startEnrolment(context, req.user!.id);
    res.redirect(303, `${HOME}/setup`);
  });

  router.get(`${HOME}/setup`, signedIn, async (req, res) => renderSetup(context, req, res));

  router.post(`${HOME}/confirm`, signedIn, ...secondStepLimits(), async (req, res) => {
    await orFormErrors(
      req,
      async () => renderRecoveryCodes(req, res, await confirmEnrolment(context, req.user!.id, field(req, 'code')), true),
      (errors, status) => renderSetup(context, req, res, errors, status),
    );
  });

  router.post(`${HOME}/recovery-codes`, signedIn, ...secondStepLimits(), async (req, res) => {
    await orFormErrors(
      req,
      async () => renderRecoveryCodes(req, res, await regenerateRecoveryCodes(context, req.user!.id, field(req, 'code')), false),
      (errors, status) => renderStatus(req, res, errors, status),
    );
  });

  router.post(`${HOME}/disable`, signedIn, ...secondStepLimits(), async (req, res) => {
    await orFormErrors(
      req,
      async () => {
        await disableTwoFactor(req.user!.id, field(req, 'password'));
        res.redirect(303, `${HOME}?done=disabled`);
      },
      (errors, status) => renderStatus(req, res, errors, status),
    );
  });

  // The second step of sign-in, for accounts with two-factor on.
  router.get('/sign-in/two-factor', async (req, res) => {
    if (!pendingSignIn(req)) return res.redirect(303, '/sign-in');
    await renderSecondStep(req, res);
  });

  router.post('/sign-in/two-factor', ...secondStepLimits(), async (req, res) => {
    const pending = pendingSignIn(req);
    if (!pending) return res.redirect(303, '/sign-in');
    const used = await verifySecondFactor(context, pending.userId, field(req, 'code'));
    const user = used ? await findSessionUser(pending.userId) : undefined;
    if (!user || user.status !== 'active') {
      return renderSecondStep(req, res, [{ path: 'code', message: req.t('two-factor:errors.wrong-code') }], 401);
    }
    clearPendingSignIn(req);
    await startSession(req, res, user);
    // A recovery code was spent: go where new ones can be made.
    const next = used === 'recovery-code' ? `${HOME}?done=recovery-code-used` : (safeReturnPath(pending.returnTo) ?? '/');
    res.redirect(303, next);
  });

  return router;
}

/**
 * Admins and coordinators must have two-factor on: until they do, every page sends them to
 * set it up (their next sign-in asks for it). Signing out and the setup pages stay open.
 */
export const requireTwoFactorSetup: RequestHandler = (req, res, next) => {
  const user = req.user;
  if (!user || user.twoFactorEnabled || !isTwoFactorRequired(user)) return next();
  if (req.path.startsWith(HOME) || req.path === '/sign-out' || req.path === '/privacy') return next();
  res.redirect(303, `${HOME}?required=1`);
};
