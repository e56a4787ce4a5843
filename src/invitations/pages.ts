/**
 * `/session-invitation?token=…`: the invited person reads who asks them to which session and
 * accepts or declines (issue 11, point 1). Only the account of the invited address may
 * answer; a link used already, answered by another signed-in person, or past its time gets a
 * page that says so and changes nothing.
 */
import { type Request, type Response, Router } from 'express';
import { linkSecretOf } from '../accounts/email-token';
import { EnrolmentConflictError } from '../enrolment/errors';
import { enrol } from '../enrolment/service';
import { FIFTEEN_MINUTES, limitRequests } from '../http/rate-limit';
import { renderPage } from '../http/render';
import { readerLanguage } from '../i18n/middleware';
import { findSession } from '../sessions/access';
import { namesFor } from '../sessions/present';
import { sessionForPage } from '../sessions/pages/view';
import type { SessionInvitationDocument } from './model';
import { confirmAddress, INVITATION_PATH, invitationByLink, type InvitationProblem, problemWith, recordAnswer } from './service';

const PROBLEM_STATUS: Record<InvitationProblem, number> = { invalid: 404, answered: 409, expired: 410, 'other-person': 403 };

async function problemPage(req: Request, res: Response, problem: InvitationProblem) {
  await renderPage(
    res,
    'accounts/message',
    {
      title: req.t(`enrolment:invitation.problems.${problem}.title`),
      paragraphs: [req.t(`enrolment:invitation.problems.${problem}.text`)],
      action: { href: '/sessions', label: req.t('enrolment:invitation.sessions') },
    },
    PROBLEM_STATUS[problem],
  );
}

const linkOf = (token: string) => `${INVITATION_PATH}?token=${encodeURIComponent(token)}`;

async function invitationPage(req: Request, res: Response, invitation: SessionInvitationDocument, token: string) {
  const session = await findSession(String(invitation.session));
  const lang = readerLanguage(req);
  const returnTo = encodeURIComponent(linkOf(token));
  await renderPage(res, 'sessions/invitation', {
    title: req.t('enrolment:invitation.title', { title: session.title }),
    session: sessionForPage(session, await namesFor([session], lang), lang),
    inviter: invitation.inviterName,
    expiresLabel: new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: session.timezone }).format(invitation.expiresAt),
    token,
    signedIn: Boolean(req.user),
    signInHref: `/sign-in?returnTo=${returnTo}`,
    registerHref: `/register?invitation=${encodeURIComponent(token)}`,
  });
}

export function invitationAnswerPages(): Router {
  const router = Router();

  router.get(INVITATION_PATH, async (req, res) => {
    const token = linkSecretOf(req.query.token);
    const invitation = await invitationByLink(token);
    const problem = problemWith(invitation, req.user);
    if (problem) return problemPage(req, res, problem);
    await invitationPage(req, res, invitation!, token!);
  });

  router.post(
    INVITATION_PATH,
    // Links are unguessable; this only keeps anyone from trying secrets endlessly.
    limitRequests({ name: 'session-invitation-ip', limit: 20, windowMs: FIFTEEN_MINUTES, onlyFailures: true }),
    async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const token = linkSecretOf(body.token);
      if (!req.user) return res.redirect(303, token ? `/sign-in?returnTo=${encodeURIComponent(linkOf(token))}` : '/sign-in');
      const invitation = await invitationByLink(token);
      const problem = problemWith(invitation, req.user);
      if (problem) return problemPage(req, res, problem);
      const answer = body.answer === 'accept' ? 'accepted' : body.answer === 'decline' ? 'declined' : undefined;
      if (!answer) return invitationPage(req, res, invitation!, token!);
      if (!(await recordAnswer(invitation!, answer))) return problemPage(req, res, 'answered');
      const sessionId = String(invitation!.session);
      if (answer === 'declined') return res.redirect(303, `/sessions/${sessionId}?enrolment=declined#enrolment`);
      try {
        const result = await enrol(await confirmAddress(req.user), sessionId, undefined, new Date(), { invited: true });
        res.redirect(303, `/sessions/${sessionId}?enrolment=${result.status}#enrolment`);
      } catch (error) {
        // Enrolled meanwhile by another way, or the session closed: the session page says which.
        if (!(error instanceof EnrolmentConflictError)) throw error;
        res.redirect(303, `/sessions/${sessionId}?enrolment=${error.code}#enrolment`);
      }
    },
  );

  return router;
}
