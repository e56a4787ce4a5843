import { Router } from 'express';
import { listApiTokens, revokeApiToken } from '../accounts/api-token';
import { requireSignedIn } from '../accounts/bearer';
import type { AccountsContext, Profile } from '../accounts/service';
import { NotFoundError } from '../http/errors';
import { parseInput } from '../http/validate';
import { profilePatchSchema } from './schemas';
import { updateDetails } from './service';

/** `GET /me`'s fields, and the ones a PATCH can change (sector, the partner's id). */
function profileJson(profile: Profile) {
  const { id, email, name, roles, country, city, organisation, organisationId, sector, language, emailVerified } = profile;
  return { id, email, name, roles, country, city, organisation, organisationId, sector, language, emailVerified };
}

/** The caller's own tokens and details over the API (api.md, "Accounts"). */
export function profileApi(_context: AccountsContext): Router {
  const router = Router();

  router.get('/auth/tokens', requireSignedIn, async (req, res) => {
    const tokens = await listApiTokens(req.user!.id, req.user!.sessionEpoch);
    res.json({
      items: tokens.map((token) => ({
        id: token.id,
        name: token.name,
        createdAt: token.createdAt.toISOString(),
        expiresAt: token.expiresAt.toISOString(),
        lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
        current: token.id === req.apiTokenId,
      })),
    });
  });

  // `/auth/tokens/current` is answered before this, by the accounts API.
  router.delete('/auth/tokens/:id', requireSignedIn, async (req, res) => {
    // Another person's token is "not found" too: nothing tells that it exists.
    if (!(await revokeApiToken(String(req.params.id), req.user!.id))) throw new NotFoundError();
    res.status(204).end();
  });

  router.patch('/me', requireSignedIn, async (req, res) => {
    const patch = parseInput(req, profilePatchSchema, req.body ?? {});
    res.json(profileJson(await updateDetails(req.user!.id, patch)));
  });

  return router;
}
