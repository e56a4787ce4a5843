import type { i18n } from 'i18next';
import { accountById } from './by-ids';
import mongoose from 'mongoose';
import { ConflictError, type FieldError, ValidationError } from '../http/errors';
import type { Language } from '../i18n/languages';
import type { Logger } from '../logger';
import type { Mailer } from '../mail/mailer';
import { renderMail, type MailTemplate } from '../mail/templates';
import { countryExists, findCity, findOrganisation } from '../reference/service';
import { consumeEmailToken, issueEmailToken, peekEmailToken } from './email-token';
import { User, type UserDocument } from './model';
import { passwordFieldErrors } from './password-policy';
import { hashPassword, verifyPassword, verifyWithoutAccount } from './passwords';
import type { TwoFactorContext } from '../two-factor/service';
import type { RegistrationInput } from './schemas';
import { type SessionUser, toSessionUser } from './session-user';
import { isDuplicateKey } from '../db/duplicate-key';

/** The version of the privacy notice a person consents to at registration. */
export const PRIVACY_NOTICE_VERSION = '2026-11-23';

/** What account operations need from the outside world. */
export interface AccountsContext {
  mailer: Mailer;
  twoFactor: TwoFactorContext;
  i18n: i18n;
  baseUrl: string;
  log: Logger;
}

export async function authenticateWithPassword(email: string, password: string): Promise<SessionUser | undefined> {
  const user = typeof email === 'string' ? await User.findOne({ email: email.trim().toLowerCase() }).lean() : null;
  if (!user) {
    // As long as a wrong password takes: the timing does not tell which addresses have accounts.
    await verifyWithoutAccount(String(password));
    return undefined;
  }
  const matches = await verifyPassword(user.passwordHash, String(password));
  if (!matches || user.status !== 'active') return undefined;
  await User.updateOne({ _id: user._id }, { $set: { lastSignInAt: new Date() } });
  return toSessionUser(user);
}

export async function findSessionUser(id: string): Promise<SessionUser | undefined> {
  if (!mongoose.isValidObjectId(id)) return undefined;
  const user = await accountById(id);
  return user ? toSessionUser(user) : undefined;
}

/**
 * Checks the places and organisation against the reference data: the country must exist, the
 * city belong to it, and an organisation is a partner's id or a name typed by the person.
 */
export async function resolveAffiliation(input: Pick<RegistrationInput, 'country' | 'city' | 'organisation'>) {
  const errors: FieldError[] = [];
  if (!(await countryExists(input.country))) errors.push({ path: 'country', key: 'errors:field.invalid-choice' });
  let city: string | undefined;
  if (input.city) {
    const found = await findCity(input.city);
    if (!found || found.country !== input.country) errors.push({ path: 'city', key: 'errors:field.invalid-choice' });
    else city = found._id;
  }
  let organisationId: string | undefined;
  let organisationName: string | undefined;
  if (input.organisation) {
    const partner = await findOrganisation(input.organisation);
    organisationId = partner?._id;
    organisationName = partner ? partner.name : input.organisation;
  }
  return { errors, city, organisationId, organisationName };
}

/**
 * What a registration did. The person is told the same either way (a mail is on its way), so
 * that neither the form nor the API tells who has an account; a caller that may go further
 * (registering through a session invitation) needs to know which it was.
 */
export type RegistrationOutcome = { created: SessionUser } | { existed: true };

/**
 * A local stakeholder's own registration. Everything is checked before anything is written,
 * so a refused registration leaves nothing behind. An address that already has an account
 * gets a mail saying so instead of the verification link; both ways hash the password and send
 * one mail, so the time taken does not tell them apart either.
 */
export async function registerStakeholder(
  context: AccountsContext,
  input: RegistrationInput,
  options: { language: Language; requireConsent: boolean },
): Promise<RegistrationOutcome> {
  const affiliation = await resolveAffiliation(input);
  const errors = [
    ...affiliation.errors,
    ...passwordFieldErrors(input.password, { email: input.email, name: input.name }),
  ];
  if (options.requireConsent && !input.consent) errors.push({ path: 'consent', key: 'accounts:register.consent-required' });
  if (errors.length > 0) throw new ValidationError(errors);

  const passwordHash = await hashPassword(input.password);
  const existing = await User.findOne({ email: input.email }).lean();
  if (existing) return warnExistingAccount(context, existing);
  let created: UserDocument;
  try {
    created = await insertUser({
      email: input.email,
      name: input.name,
      passwordHash,
      roles: ['stakeholder'],
      language: input.language ?? options.language,
      country: input.country,
      ...(affiliation.city ? { city: affiliation.city } : {}),
      ...(affiliation.organisationId ? { organisationId: affiliation.organisationId } : {}),
      ...(affiliation.organisationName ? { organisationName: affiliation.organisationName } : {}),
      ...(input.sector ? { sector: input.sector } : {}),
      ...(input.consent ? { consent: { noticeVersion: PRIVACY_NOTICE_VERSION, acceptedAt: new Date() } } : {}),
    });
  } catch (error) {
    if (!(error instanceof ConflictError && error.code === 'email-taken')) throw error;
    // Registered by a concurrent request a moment ago: answered as any existing account.
    const raced = await User.findOne({ email: input.email }).lean();
    if (!raced) throw error;
    return warnExistingAccount(context, raced);
  }
  const user = toSessionUser(created);
  await sendVerificationMail(context, user);
  return { created: user };
}

/**
 * Tells the owner of an address someone registered with that their account exists, and how
 * to sign in or choose a new password. A disabled account can do neither: it is not written to.
 */
async function warnExistingAccount(context: AccountsContext, user: UserDocument): Promise<RegistrationOutcome> {
  if (user.status === 'active') {
    await sendAccountMail(context, toSessionUser(user), 'account-exists', {
      name: user.name,
      link: `${context.baseUrl}/sign-in`,
      resetLink: `${context.baseUrl}/reset-password`,
    });
  }
  return { existed: true };
}

/**
 * Creates the account; two creations with one address at the same moment are decided by the
 * unique index, and the loser gets the same answer as a sequential duplicate.
 */
export async function insertUser(fields: Partial<UserDocument>): Promise<UserDocument> {
  try {
    return (await User.create(fields)).toObject();
  } catch (error) {
    if (isDuplicateKey(error)) throw emailTaken();
    throw error;
  }
}

function emailTaken(): ConflictError {
  return new ConflictError('email already registered', 'email-taken', [{ path: 'email', key: 'accounts:register.email-taken' }]);
}

/** Sends (or re-sends) the verification link. Reports failure instead of throwing. */
export async function sendVerificationMail(context: AccountsContext, user: SessionUser): Promise<boolean> {
  const secret = await issueEmailToken(user.id, 'verify-email');
  const link = `${context.baseUrl}/verify-email?token=${encodeURIComponent(secret)}`;
  return sendAccountMail(context, user, 'verify-email', { name: user.name, link });
}

export async function sendAccountMail(
  context: AccountsContext,
  user: Pick<SessionUser, 'email' | 'name' | 'language'>,
  template: MailTemplate,
  variables: Record<string, string | number>,
  to = user.email,
): Promise<boolean> {
  try {
    const mail = await renderMail(context.i18n, template, user.language, variables);
    await context.mailer.send({ to, ...mail });
    return true;
  } catch (error) {
    context.log.error({ err: error, template }, `could not send the ${template} mail`);
    return false;
  }
}

/** Follows a verification link; true when it was valid. */
export async function verifyEmail(secret: string): Promise<boolean> {
  const token = await consumeEmailToken(secret, 'verify-email');
  if (!token) return false;
  await User.updateOne({ _id: token.userId, emailVerifiedAt: mongoose.trusted({ $exists: false }) }, { $set: { emailVerifiedAt: new Date() } });
  return true;
}

export const RESET_LINK_MINUTES = 60;

/**
 * Sends a reset link when the address belongs to an active account. The caller answers the
 * same either way, so the form does not reveal who has an account.
 */
export async function requestPasswordReset(context: AccountsContext, email: string): Promise<void> {
  const user = await User.findOne({ email: email.trim().toLowerCase(), status: 'active' }).lean();
  if (!user) return;
  const secret = await issueEmailToken(user._id, 'reset-password');
  const link = `${context.baseUrl}/reset-password?token=${encodeURIComponent(secret)}`;
  await sendAccountMail(context, toSessionUser(user), 'reset-password', { name: user.name, link, minutes: RESET_LINK_MINUTES });
}

export async function isResetLinkValid(secret: string): Promise<boolean> {
  return Boolean(await peekEmailToken(secret, 'reset-password'));
}

/**
 * Sets a new password from a reset link. The link is used up atomically (two clicks, one
 * change) and every session and API token of the account ends (a new `sessionEpoch`).
 */
export async function resetPassword(context: AccountsContext, secret: string, password: string): Promise<boolean> {
  const pending = await peekEmailToken(secret, 'reset-password');
  if (!pending) return false;
  const user = await User.findById(pending.userId).lean();
  if (!user || user.status !== 'active') return false;
  const problems = passwordFieldErrors(password, { email: user.email, name: user.name });
  if (problems.length > 0) throw new ValidationError(problems);
  const token = await consumeEmailToken(secret, 'reset-password');
  if (!token) return false;
  await User.updateOne(
    { _id: user._id },
    {
      $set: { passwordHash: await hashPassword(password), emailVerifiedAt: user.emailVerifiedAt ?? new Date() },
      $inc: { sessionEpoch: 1 },
    },
  );
  await sendAccountMail(context, toSessionUser(user), 'password-changed', { name: user.name });
  return true;
}

export interface Profile {
  id: string;
  email: string;
  name: string;
  roles: string[];
  country: string | null;
  city: string | null;
  organisation: string | null;
  organisationId: string | null;
  sector: string | null;
  language: Language;
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  scopeCountries: string[];
}

export async function getProfile(userId: string): Promise<Profile | undefined> {
  if (!mongoose.isValidObjectId(userId)) return undefined;
  const user = await User.findById(userId).lean();
  if (!user) return undefined;
  return {
    id: String(user._id),
    email: user.email,
    name: user.name,
    roles: user.roles,
    country: user.country ?? null,
    city: user.city ?? null,
    organisation: user.organisationName ?? null,
    organisationId: user.organisationId ?? null,
    sector: user.sector ?? null,
    language: user.language,
    emailVerified: Boolean(user.emailVerifiedAt),
    twoFactorEnabled: Boolean(user.twoFactor?.enabledAt),
    scopeCountries: user.scopeCountries ?? [],
  };
}

/**
 * An account made by an operator (the `user:create` command): verified at once, since the
 * operator vouches for the address. The password policy applies all the same.
 */
export async function createAccountByOperator(input: { email: string; name: string; roles: UserDocument['roles']; password: string; language?: Language }) {
  const problems = passwordFieldErrors(input.password, { email: input.email, name: input.name });
  if (problems.length > 0) throw new ValidationError(problems);
  if (await User.exists({ email: input.email })) throw emailTaken();
  const created = await insertUser({
    email: input.email,
    name: input.name,
    roles: input.roles,
    language: input.language ?? 'en',
    passwordHash: await hashPassword(input.password),
    emailVerifiedAt: new Date(),
  });
  return toSessionUser(created);
}
