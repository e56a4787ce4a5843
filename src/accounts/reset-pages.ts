import { type Request, type Response, Router } from 'express';
import { renderPage } from '../http/render';
import { formErrorsFrom, toFieldErrors } from '../http/validate';
import { linkSecretOf } from './email-token';
import { passwordResetLimit } from './limits';
import { emailField } from './schemas';
import { type AccountsContext, isResetLinkValid, requestPasswordReset, resetPassword } from './service';

async function renderInvalidLink(req: Request, res: Response) {
  await renderPage(
    res,
    'accounts/message',
    {
      title: req.t('accounts:reset.invalid-title'),
      paragraphs: [req.t('accounts:reset.invalid')],
      action: { href: '/reset-password', label: req.t('accounts:reset.submit') },
    },
    400,
  );
}

/** Forgotten password: ask for a link by email, then choose a new password from it. */
export function passwordResetPages(context: AccountsContext): Router {
  const router = Router();

  router.get('/reset-password', async (req, res) => {
    const token = linkSecretOf(req.query.token);
    if (req.query.token === undefined) {
      return renderPage(res, 'accounts/reset-request', { title: req.t('accounts:reset.title'), values: {}, errors: [] });
    }
    if (!token || !(await isResetLinkValid(token))) return renderInvalidLink(req, res);
    await renderPage(res, 'accounts/reset-choose', { title: req.t('accounts:reset.title'), token, errors: [] });
  });

  router.post(
    '/reset-password',
    passwordResetLimit(),
    async (req, res) => {
      const raw = (req.body as Record<string, unknown> | undefined)?.email;
      const parsed = emailField.safeParse(raw ?? '');
      if (!parsed.success) {
        return renderPage(
          res,
          'accounts/reset-request',
          {
            title: req.t('accounts:reset.title'),
            values: { email: typeof raw === 'string' ? raw : '' },
            errors: toFieldErrors(parsed.error.issues, req.t).map((error) => ({ ...error, path: 'email' })),
          },
          400,
        );
      }
      await requestPasswordReset(context, parsed.data);
      await renderPage(res, 'accounts/message', {
        title: req.t('accounts:reset.sent-title'),
        paragraphs: [req.t('accounts:reset.sent', { email: parsed.data })],
      });
    },
  );

  router.post('/reset-password/new', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = linkSecretOf(body.token);
    const password = typeof body.password === 'string' ? body.password : '';
    if (!token) return renderInvalidLink(req, res);
    try {
      if (!(await resetPassword(context, token, password))) return renderInvalidLink(req, res);
    } catch (error) {
      const errors = formErrorsFrom(error, req.t);
      if (!errors) throw error;
      return renderPage(res, 'accounts/reset-choose', { title: req.t('accounts:reset.title'), token, errors }, 400);
    }
    await renderPage(res, 'accounts/message', {
      title: req.t('accounts:reset.done-title'),
      paragraphs: [req.t('accounts:reset.done')],
      action: { href: '/sign-in', label: req.t('accounts:sign-in.submit') },
    });
  });

  return router;
}
