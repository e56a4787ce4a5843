import { linkSecretOf } from '../accounts/email-token';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { createApiToken, revokeApiToken } from '../accounts/api-token';
import type { AccountsContext } from '../accounts/service';
import type { SessionUser } from '../accounts/session-user';
import { startSession } from '../accounts/sign-in-session';
import { type AppError, NotFoundError } from '../http/errors';
import { renderPage } from '../http/render';
import { formErrorsFrom, keptFormValues, toFieldErrors } from '../http/validate';
import { LANGUAGE_COOKIE } from '../i18n/languages';
import { switchLanguage } from '../i18n/middleware';
import { cancelEmailChange, confirmEmailChange, EMAIL_CONFIRM_PATH, requestEmailChange } from './email-change';
import { saveSession } from '../accounts/sign-in-session';
import { keepNewToken } from './flash';
import { currentPasswordLimit } from './limits';
import { detailsFormSchema, emailChangeSchema, passwordChangeSchema, tokenFormSchema } from './schemas';
import { changePassword, updateDetails } from './service';
import { type FormValues, type ProfileForm, renderProfile } from './view';

const PROFILE = '/profile';
const DETAILS_FIELDS = ['name', 'country', 'city', 'organisation', 'organisationOther', 'sector', 'language'];

/** Signed-in only; anyone else signs in first and comes back here. */
const signedIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  res.redirect(303, `/sign-in?returnTo=${PROFILE}`);
};

function bodyOf(req: Request): Record<string, unknown> {
  return req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
}

/** Runs a form's action; a refused input shows the profile again with that form's errors. */
async function orRefused(req: Request, res: Response, form: ProfileForm, values: FormValues, action: () => Promise<void>) {
  try {
    await action();
  } catch (error) {
    const errors = formErrorsFrom(error, req.t);
    if (!errors) throw error;
    await renderProfile(req, res, { form, values, errors }, (error as AppError).status);
  }
}

function done(res: Response, message: string): void {
  res.redirect(303, `${PROFILE}?done=${message}`);
}

/**
 * After a change that ended every session of the account (a new epoch), this one carries on
 * under a fresh id with the new epoch. It is no new sign-in: the absolute timeout keeps counting.
 */
async function carryOnSession(req: Request, res: Response, user: SessionUser): Promise<void> {
  const signedInAt = req.session.signedInAt;
  await startSession(req, res, user);
  if (signedInAt) req.session.signedInAt = signedInAt;
  await saveSession(req);
}

export function profilePages(context: AccountsContext): Router {
  const router = Router();
  // One instance on both forms that check the current password: one budget for guesses.
  const passwordLimit = currentPasswordLimit();

  router.get(PROFILE, signedIn, async (req, res) => renderProfile(req, res));

  router.post(`${PROFILE}/details`, signedIn, async (req, res) => {
    const body = bodyOf(req);
    const values = keptFormValues(body, DETAILS_FIELDS);
    // A partner chosen in the list wins over a typed name, as at registration.
    const parsed = detailsFormSchema.safeParse({ ...body, organisation: body.organisation || body.organisationOther });
    if (!parsed.success) return renderProfile(req, res, { form: 'details', values, errors: toFieldErrors(parsed.error.issues, req.t) }, 400);
    await orRefused(req, res, 'details', values, async () => {
      const before = req.user!.language;
      const profile = await updateDetails(req.user!.id, parsed.data);
      if (profile.language !== before) {
        // The profile now says which language to read: a switcher choice kept in the cookie
        // would otherwise win over it on the next page.
        res.clearCookie(LANGUAGE_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure });
        await switchLanguage(req, res, profile.language);
      }
      done(res, 'details-saved');
    });
  });

  router.post(`${PROFILE}/email`, signedIn, passwordLimit, async (req, res) => {
    const body = bodyOf(req);
    const values = keptFormValues(body, ['newEmail']);
    const parsed = emailChangeSchema.safeParse(body);
    if (!parsed.success) return renderProfile(req, res, { form: 'email', values, errors: toFieldErrors(parsed.error.issues, req.t) }, 400);
    await orRefused(req, res, 'email', values, async () => {
      const sent = await requestEmailChange(context, req.user!.id, parsed.data);
      done(res, sent ? 'email-sent' : 'email-mail-failed');
    });
  });

  router.post(`${PROFILE}/email/cancel`, signedIn, async (req, res) => {
    await cancelEmailChange(req.user!.id);
    done(res, 'email-cancelled');
  });

  router.get(EMAIL_CONFIRM_PATH, async (req, res) => {
    const token = linkSecretOf(req.query.token);
    const outcome = token ? await confirmEmailChange(context, token) : ({ status: 'invalid' } as const);
    // Followed in a browser signed in to the account: that browser stays signed in.
    if (outcome.status === 'changed' && req.user?.id === outcome.user.id) await carryOnSession(req, res, outcome.user);
    const action = req.user
      ? { href: PROFILE, label: req.t('profile:email.to-profile') }
      : { href: `/sign-in?returnTo=${PROFILE}`, label: req.t('profile:email.to-sign-in') };
    const pages = {
      changed: { status: 200, title: req.t('profile:email.confirmed-title'), text: req.t('profile:email.confirmed', { email: 'email' in outcome ? outcome.email : '' }) },
      taken: { status: 409, title: req.t('profile:email.taken-title'), text: req.t('profile:email.taken-meanwhile', { email: 'email' in outcome ? outcome.email : '' }) },
      invalid: { status: 400, title: req.t('profile:email.invalid-title'), text: req.t('profile:email.invalid') },
    };
    const page = pages[outcome.status];
    await renderPage(res, 'accounts/message', { title: page.title, paragraphs: [page.text], action }, page.status);
  });

  router.post(`${PROFILE}/password`, signedIn, passwordLimit, async (req, res) => {
    const parsed = passwordChangeSchema.safeParse(bodyOf(req));
    if (!parsed.success) return renderProfile(req, res, { form: 'password', values: {}, errors: toFieldErrors(parsed.error.issues, req.t) }, 400);
    await orRefused(req, res, 'password', {}, async () => {
      await carryOnSession(req, res, await changePassword(context, req.user!.id, parsed.data));
      done(res, 'password-changed');
    });
  });

  router.post(`${PROFILE}/tokens`, signedIn, async (req, res) => {
    const body = bodyOf(req);
    const parsed = tokenFormSchema.safeParse(body);
    if (!parsed.success) {
      return renderProfile(req, res, { form: 'tokens', values: keptFormValues(body, ['tokenName', 'days']), errors: toFieldErrors(parsed.error.issues, req.t) }, 400);
    }
    const created = await createApiToken(req.user!.id, parsed.data.tokenName, parsed.data.days);
    await keepNewToken(req, { name: created.name, token: created.token });
    done(res, 'token-created');
  });

  router.post(`${PROFILE}/tokens/:id/revoke`, signedIn, async (req, res) => {
    if (!(await revokeApiToken(String(req.params.id), req.user!.id))) throw new NotFoundError();
    done(res, 'token-revoked');
  });

  return router;
}
