import type { RequestHandler } from 'express';
import { FIFTEEN_MINUTES, limitRequests } from '../http/rate-limit';

/**
 * The password and email forms check the current password, so a borrowed or stolen session
 * could use them to guess it. Failed attempts (any refused form: wrong password, or a weak new
 * one) count per account, 10 in 15 minutes, in one counter shared by both forms.
 */
export function currentPasswordLimit(): RequestHandler {
  return limitRequests({
    name: 'profile-current-password',
    limit: 10,
    windowMs: FIFTEEN_MINUTES,
    onlyFailures: true,
    countInFlight: true,
    key: (req) => req.user?.id,
  });
}
