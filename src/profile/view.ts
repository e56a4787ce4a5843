import { feedStatus } from '../calendar/feed';
import { takeNewFeedUrl } from '../calendar/routes';
import { affiliationChoices } from '../reference/choices';
import type { Request, Response } from 'express';
import { listApiTokens } from '../accounts/api-token';
import { SECTORS } from '../accounts/model';
import { getProfile, type Profile } from '../accounts/service';
import { NotFoundError } from '../http/errors';
import { renderPage } from '../http/render';
import type { ShownFieldError } from '../http/validate';
import { LANGUAGE_AUTONYMS, SUPPORTED_LANGUAGES } from '../i18n/languages';
import { createFormatters } from '../i18n/format';
import { readerLanguage } from '../i18n/middleware';
import { pendingEmailChange } from './email-change';
import { takeNewToken } from './flash';
import { TOKEN_LIFETIMES } from './schemas';

export type ProfileForm = 'details' | 'email' | 'password' | 'tokens';
export type FormValues = Record<string, string | undefined>;

/** The form that was just refused: what was typed (never a password) and what to correct. */
export interface RefusedForm {
  form: ProfileForm;
  values: FormValues;
  errors: ShownFieldError[];
}

/**
 * Confirmations after a redirect (`?done=`), each shown in the section of the form that was
 * sent: the browser comes back to that section (the forms' actions end in its anchor).
 * Anything else in the query shows nothing.
 */
const DONE_MESSAGES: Record<string, ProfileForm> = {
  'details-saved': 'details',
  'email-sent': 'email',
  'email-mail-failed': 'email',
  'email-cancelled': 'email',
  'password-changed': 'password',
  'token-created': 'tokens',
  'token-revoked': 'tokens',
};

/** The details form as stored: a partner is chosen in the list, another organisation typed. */
function storedDetails(profile: Profile): FormValues {
  return {
    name: profile.name,
    country: profile.country ?? '',
    city: profile.city ?? '',
    organisation: profile.organisationId ?? '',
    organisationOther: profile.organisationId ? '' : (profile.organisation ?? ''),
    sector: profile.sector ?? '',
    language: profile.language,
  };
}

export async function renderProfile(req: Request, res: Response, refused?: RefusedForm, status = 200): Promise<void> {
  const user = req.user!;
  const profile = await getProfile(user.id);
  if (!profile) throw new NotFoundError();
  const [options, pending, tokens] = await Promise.all([affiliationChoices(readerLanguage(req)), pendingEmailChange(user.id), listApiTokens(user.id, user.sessionEpoch)]);
  const done = typeof req.query.done === 'string' && Object.hasOwn(DONE_MESSAGES, req.query.done) ? req.query.done : undefined;
  const noticeOf = (form: ProfileForm) => (done && DONE_MESSAGES[done] === form ? done : undefined);
  const valuesOf = (form: ProfileForm, stored: FormValues = {}) => (refused?.form === form ? refused.values : stored);
  const errorsOf = (form: ProfileForm) => (refused?.form === form ? refused.errors : []);
  // The secret itself is shown once and never cached by the browser or a proxy.
  const newToken = takeNewToken(req);
  const newFeedUrl = takeNewFeedUrl(req);
  // A secret shown once is never kept by a cache.
  if (newToken || newFeedUrl) res.set('Cache-Control', 'no-store');
  const feed = await feedStatus(req.user!.id);

  await renderPage(
    res,
    'profile/index',
    {
      title: req.t('profile:title'),
      profile,
      pending,
      tokens,
      newToken,
      calendarFeed: { ...feed, createdLabel: feed.createdAt ? createFormatters(readerLanguage(req)).date(feed.createdAt) : undefined, newUrl: newFeedUrl },
      details: { values: valuesOf('details', storedDetails(profile)), errors: errorsOf('details'), done: noticeOf('details') },
      email: { values: valuesOf('email'), errors: errorsOf('email'), done: noticeOf('email') },
      password: { errors: errorsOf('password'), done: noticeOf('password') },
      tokenForm: { values: valuesOf('tokens', { days: '30' }), errors: errorsOf('tokens'), done: noticeOf('tokens') },
      ...options,
      sectors: SECTORS.map((sector) => ({ value: sector, label: req.t(`accounts:sectors.${sector}`) })),
      languageOptions: SUPPORTED_LANGUAGES.map((code) => ({ value: code, label: LANGUAGE_AUTONYMS[code] })),
      lifetimes: TOKEN_LIFETIMES.map((days) => ({ value: days, label: req.t('profile:tokens.days', { count: Number(days) }) })),
    },
    status,
  );
}
