import { type Request, type Response, Router } from 'express';
import { linkSecretOf } from '../accounts/email-token';
import { startSession } from '../accounts/sign-in-session';
import { FIFTEEN_MINUTES, limitRequests } from '../http/rate-limit';
import { renderPage } from '../http/render';
import { formErrorsFrom } from '../http/validate';
import { acceptInvitation, isInvitationValid } from './invitation';

async function renderInvalidLink(req: Request, res: Response) {
  await renderPage(
    res,
    'accounts/message',
    {
      title: req.t('users:invitation.invalid-title'),
      paragraphs: [req.t('users:invitation.invalid')],
      action: { href: '/reset-password', label: req.t('users:invitation.reset') },
    },
    400,
  );
}

/** /invitation: the person invited by staff chooses a password and is signed in. */
export function invitationPages(): Router {
  const router = Router();

  router.get('/invitation', async (req, res) => {
    const token = linkSecretOf(req.query.token);
    if (!token || !(await isInvitationValid(token))) return renderInvalidLink(req, res);
    await renderPage(res, 'users/invitation', { title: req.t('users:invitation.title'), token, errors: [] });
  });

  router.post(
    '/invitation',
    // Links are unguessable; this only keeps anyone from making the server hash passwords endlessly.
    limitRequests({ name: 'invitation-ip', limit: 10, windowMs: FIFTEEN_MINUTES, onlyFailures: true }),
    async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const token = linkSecretOf(body.token);
      if (!token) return renderInvalidLink(req, res);
      const password = typeof body.password === 'string' ? body.password : '';
      let accepted: Awaited<ReturnType<typeof acceptInvitation>>;
      try {
        accepted = await acceptInvitation(token, password);
      } catch (error) {
        const errors = formErrorsFrom(error, req.t);
        if (!errors) throw error;
        return renderPage(res, 'users/invitation', { title: req.t('users:invitation.title'), token, errors }, 400);
      }
      if (!accepted) return renderInvalidLink(req, res);
      if (!accepted.signIn) {
        return renderPage(res, 'accounts/message', {
          title: req.t('users:invitation.done-title'),
          paragraphs: [req.t('users:invitation.done-sign-in')],
          action: { href: '/sign-in', label: req.t('users:invitation.sign-in') },
        });
      }
      await startSession(req, res, accepted.user);
      res.redirect(303, '/');
    },
  );

  return router;
}
