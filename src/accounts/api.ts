import { Router } from 'express';
import { z } from 'zod';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../http/errors';
import { isTwoFactorRequired, verifySecondFactor } from '../two-factor/service';
import { parseInput } from '../http/validate';
import { readerLanguage } from '../i18n/middleware';
import { createApiToken, revokeApiToken } from './api-token';
import { requireSignedIn } from './bearer';
import { registrationLimit, signInLimits } from './limits';
import { registrationSchema } from './schemas';
import { type AccountsContext, authenticateWithPassword, getProfile, registerStakeholder } from './service';

export const tokenRequestSchema = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(512),
  otp: z.string().max(20).optional(),
  name: z.string().trim().min(1).max(100).optional(),
});

export function accountsApi(context: AccountsContext): Router {
  const router = Router();

  router.post('/auth/register', registrationLimit(), async (req, res) => {
    const input = parseInput(req, registrationSchema, req.body ?? {});
    await registerStakeholder(context, input, {
      language: readerLanguage(req),
      // The API contract (api.md) has no consent field; it is recorded when sent.
      requireConsent: false,
    });
    // The same answer whether or not the address had an account: it tells nobody which.
    res.status(202).json({ status: 'verification-sent', email: input.email });
  });

  router.post(
    '/auth/tokens',
    ...signInLimits(),
    async (req, res) => {
      const input = parseInput(req, tokenRequestSchema, req.body ?? {});
      const user = await authenticateWithPassword(input.email, input.password);
      if (!user) throw new UnauthorizedError('wrong email or password', 'invalid-credentials');
      if (user.twoFactorEnabled) {
        if (!input.otp) throw new UnauthorizedError('this account needs a code from its authenticator app (otp)', 'otp-required');
        if ((await verifySecondFactor(context.twoFactor, user.id, input.otp)) !== 'totp') {
          throw new UnauthorizedError('wrong email, password or code', 'invalid-credentials');
        }
      } else if (isTwoFactorRequired(user)) {
        // The API must not be a way around the two-factor rule for admins and coordinators.
        throw new ForbiddenError('set up two-factor authentication in the web app first', 'two-factor-setup-required');
      }
      const created = await createApiToken(user.id, input.name ?? 'API');
      res.status(201).json({ token: created.token, expiresAt: created.expiresAt.toISOString() });
    },
  );

  router.delete('/auth/tokens/current', requireSignedIn, async (req, res) => {
    if (!req.apiTokenId) throw new UnauthorizedError();
    await revokeApiToken(req.apiTokenId, req.user!.id);
    res.status(204).end();
  });

  router.get('/me', requireSignedIn, async (req, res) => {
    const profile = await getProfile(req.user!.id);
    if (!profile) throw new NotFoundError();
    const { id, email, name, roles, country, city, organisation, organisationId, sector, language, emailVerified, twoFactorEnabled } = profile;
    res.json({ id, email, name, roles, country, city, organisation, organisationId, sector, language, emailVerified, twoFactorEnabled });
  });

  return router;
}
