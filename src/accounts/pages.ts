import { type Request, type Response, Router } from 'express';
import type { AppError } from '../http/errors';
import { renderPage } from '../http/render';
import { formErrorsFrom, keptFormValues, toFieldErrors } from '../http/validate';
import { LANGUAGE_AUTONYMS, SUPPORTED_LANGUAGES } from '../i18n/languages';
import { choseLanguageExplicitly, readerLanguage, switchLanguage } from '../i18n/middleware';
import { affiliationChoices } from '../reference/choices';
import { linkSecretOf } from './email-token';
import { registrationLimit, signInLimits, verificationResendLimit } from './limits';
import { SECTORS } from './model';
import { registrationSchema, signInSchema } from './schemas';
import {
  type AccountsContext,
  authenticateWithPassword,
  PRIVACY_NOTICE_VERSION,
  registerStakeholder,
  sendVerificationMail,
  verifyEmail,
} from './service';
import { awaitSecondFactor } from '../two-factor/sign-in-step';
import { continueInvitation, registrationValues } from '../invitations/service';
import { endSession, safeReturnPath, startSession } from './sign-in-session';

type FormValues = Record<string, string | boolean | undefined>;
type FormErrors = Array<{ path: string; message: string }>;

async function renderRegister(req: Request, res: Response, values: FormValues, errors: FormErrors, status = 200) {
  const choices = await affiliationChoices(readerLanguage(req));
  await renderPage(
    res,
    'accounts/register',
    {
      title: req.t('accounts:register.title'),
      values,
      errors,
      ...choices,
      sectors: SECTORS.map((sector) => ({ value: sector, label: req.t(`accounts:sectors.${sector}`) })),
      languageOptions: SUPPORTED_LANGUAGES.map((code) => ({ value: code, label: LANGUAGE_AUTONYMS[code] })),
    },
    status,
  );
}

async function renderSignIn(req: Request, res: Response, values: FormValues, errors: FormErrors, status = 200) {
  await renderPage(
    res,
    'accounts/sign-in',
    { title: req.t('accounts:sign-in.title'), values, errors, returnTo: safeReturnPath(values.returnTo) },
    status,
  );
}

export function accountPages(context: AccountsContext): Router {
  const router = Router();
  // `invitation`: the secret of the session invitation that led here, kept through the form.
  const registerFields = ['name', 'email', 'country', 'city', 'organisation', 'organisationOther', 'sector', 'language', 'invitation'];

  router.get('/register', async (req, res) => {
    if (req.user) return res.redirect(303, '/');
    const invitation = linkSecretOf(req.query.invitation);
    // From a session invitation: the invited address and what the inviter's file said, filled in.
    const invited = invitation ? await registrationValues(invitation) : undefined;
    await renderRegister(req, res, invited ? { ...invited, invitation } : {}, []);
  });

  router.post(
    '/register',
    registrationLimit(),
    async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values = { ...keptFormValues(body, registerFields), consent: body.consent === 'on' };
      const parsed = registrationSchema.safeParse({ ...body, organisation: body.organisation || body.organisationOther });
      if (!parsed.success) return renderRegister(req, res, values, toFieldErrors(parsed.error.issues, req.t), 400);
      let outcome: Awaited<ReturnType<typeof registerStakeholder>>;
      try {
        outcome = await registerStakeholder(context, parsed.data, { language: readerLanguage(req), requireConsent: true });
      } catch (error) {
        const errors = formErrorsFrom(error, req.t);
        if (!errors) throw error;
        return renderRegister(req, res, values, errors, (error as AppError).status);
      }
      // Through a session invitation's link for this very address: the new account goes on to answer it.
      const invited = 'created' in outcome ? await continueInvitation(linkSecretOf(body.invitation), outcome.created) : undefined;
      if (invited) {
        await startSession(req, res, invited.user);
        if (parsed.data.language && !choseLanguageExplicitly(req)) await switchLanguage(req, res, parsed.data.language);
        return res.redirect(303, invited.path);
      }
      // One page whether or not the address had an account (it got a mail saying so instead),
      // in the language chosen in the form: nothing here tells which.
      if (parsed.data.language && !choseLanguageExplicitly(req)) await switchLanguage(req, res, parsed.data.language);
      await renderPage(res, 'accounts/message', {
        title: req.t('accounts:registered.title'),
        paragraphs: [req.t('accounts:registered.check-inbox', { email: parsed.data.email })],
        action: { href: '/sign-in', label: req.t('common:nav.sign-in') },
      });
    },
  );

  router.get('/sign-in', async (req, res) => {
    if (req.user) return res.redirect(303, '/');
    await renderSignIn(req, res, { returnTo: typeof req.query.returnTo === 'string' ? req.query.returnTo : undefined }, []);
  });

  router.post(
    '/sign-in',
    ...signInLimits(),
    async (req, res) => {
      const values = keptFormValues(req.body, ['email', 'returnTo']);
      const parsed = signInSchema.safeParse(req.body ?? {});
      const user = parsed.success ? await authenticateWithPassword(parsed.data.email, parsed.data.password) : undefined;
      if (!user) {
        // One message for an unknown email and a wrong password: nothing tells which.
        return renderSignIn(req, res, values, [{ path: 'email', message: req.t('accounts:sign-in.failed') }], 401);
      }
      if (user.twoFactorEnabled) {
        // Password right; the code from the app comes next, before anyone is signed in.
        await awaitSecondFactor(req, user, safeReturnPath(values.returnTo));
        return res.redirect(303, '/sign-in/two-factor');
      }
      await startSession(req, res, user);
      res.redirect(303, safeReturnPath(values.returnTo) ?? '/');
    },
  );

  router.post('/sign-out', async (req, res) => {
    await endSession(req, res);
    res.redirect(303, '/');
  });

  router.get('/verify-email', async (req, res) => {
    const token = linkSecretOf(req.query.token);
    const verified = token !== undefined && (await verifyEmail(token));
    // Registration signs nobody in: the link usually leads to signing in for the first time.
    const action = req.user ? { href: '/', label: req.t('accounts:registered.continue') } : { href: '/sign-in', label: req.t('common:nav.sign-in') };
    await renderPage(
      res,
      'accounts/message',
      {
        title: req.t(verified ? 'accounts:verify.done-title' : 'accounts:verify.failed-title'),
        paragraphs: [req.t(verified ? 'accounts:verify.done' : 'accounts:verify.failed')],
        action,
      },
      verified ? 200 : 400,
    );
  });

  router.post(
    '/verify-email/resend',
    verificationResendLimit(),
    async (req, res) => {
      if (!req.user) return res.redirect(303, '/sign-in');
      if (req.user.emailVerified) return res.redirect(303, '/');
      const sent = await sendVerificationMail(context, req.user);
      await renderPage(
        res,
        'accounts/message',
        {
          title: req.t(sent ? 'accounts:unverified.sent-title' : 'errors:service-unavailable.title'),
          paragraphs: [sent ? req.t('accounts:unverified.sent', { email: req.user.email }) : req.t('accounts:unverified.failed')],
          action: { href: '/', label: req.t('accounts:registered.continue') },
        },
        sent ? 200 : 503,
      );
    },
  );

  router.get('/privacy', async (req, res) => {
    await renderPage(res, 'accounts/privacy', {
      title: req.t('accounts:privacy.title'),
      noticeDate: res.locals.format.date(new Date(`${PRIVACY_NOTICE_VERSION}T12:00:00Z`)),
    });
  });

  return router;
}
