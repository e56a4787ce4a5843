import type { UserDocument } from '../accounts/model';
import type { SessionUser } from '../accounts/session-user';
import { passwordFieldErrors } from '../accounts/password-policy';
import { hashPassword } from '../accounts/passwords';
import { can } from '../accounts/policy';
import { type AccountsContext, insertUser, resolveAffiliation } from '../accounts/service';
import { newSecret } from '../accounts/tokens';
import { actorOf, recordAudit } from '../audit/service';
import { ConflictError, type FieldError, ForbiddenError, ValidationError } from '../http/errors';
import { FALLBACK_LANGUAGE, isSupportedLanguage, type Language } from '../i18n/languages';
import { listCountries } from '../reference/service';
import { type ActingOptions, findManaged, requireStaff } from './access';
import { sendInvitation } from './invitation';
import type { StaffCreationInput } from './schemas';
import { toUserView, type UserView } from './view';

/** Without a stated language, the first of the country's languages that the site speaks. */
async function defaultLanguage(country: string): Promise<Language> {
  const found = (await listCountries(FALLBACK_LANGUAGE)).find((candidate) => candidate.code === country);
  return found?.languages.find(isSupportedLanguage) ?? FALLBACK_LANGUAGE;
}

export interface StaffCreationResult {
  user: UserView;
  /** Only for an account made without a password: whether the invitation mail went out. */
  invitationSent?: boolean;
}

/**
 * An account made by an administrator or coordinator. It counts as verified (staff vouch
 * for the address). With a password, that password (policy-checked) works at once; without,
 * the person gets an invitation to choose one, and until then the account has a random
 * password nobody knows. A failed mail leaves the account made and says so.
 */
export async function createUserByStaff(
  context: AccountsContext,
  actor: SessionUser | undefined,
  input: StaffCreationInput,
  options: ActingOptions = {},
): Promise<StaffCreationResult> {
  const acting = requireStaff(actor);
  if (!can(acting, 'users.create', { roles: input.roles, country: input.country })) {
    throw new ForbiddenError('the actor may not create this account');
  }
  const affiliation = await resolveAffiliation(input);
  const errors: FieldError[] = [...affiliation.errors];
  if (input.roles.length === 0) errors.push({ path: 'roles', key: 'users:errors.roles-required' });
  if (input.password) errors.push(...passwordFieldErrors(input.password, { email: input.email, name: input.name }));
  if (errors.length > 0) throw new ValidationError(errors);

  const created = await insertUser({
    email: input.email,
    name: input.name,
    roles: input.roles,
    language: input.language ?? (await defaultLanguage(input.country)),
    country: input.country,
    ...(affiliation.city ? { city: affiliation.city } : {}),
    ...(affiliation.organisationId ? { organisationId: affiliation.organisationId } : {}),
    ...(affiliation.organisationName ? { organisationName: affiliation.organisationName } : {}),
    ...(input.sector ? { sector: input.sector } : {}),
    passwordHash: await hashPassword(input.password ?? newSecret()),
    emailVerifiedAt: new Date(),
  });
  const invitation = await auditCreated(context, acting, created, options.requestId, { invite: !input.password });
  return input.password ? { user: toUserView(created) } : { user: toUserView(created), invitationSent: invitation.sent };
}

/** Sends a new invitation link (the earlier one stops working), e.g. after a failed mail. */
export async function resendInvitation(
  context: AccountsContext,
  actor: SessionUser | undefined,
  id: string,
  options: ActingOptions = {},
): Promise<boolean> {
  const acting = requireStaff(actor);
  const user = await findManaged(acting, id);
  if (user.status !== 'active') throw new ConflictError('the account is disabled', 'account-disabled');
  const sent = await sendInvitation(context, acting, user);
  if (sent) {
    await recordAudit({
      actor: actorOf(acting),
      action: 'user.invitation-sent',
      target: { type: 'user', id: String(user._id), label: user.email },
      before: {},
      after: {},
      requestId: options.requestId,
    });
  }
  return sent;
}

/**
 * What follows the creation of an account by someone else (here, and the participants' CSV
 * import): the audit entry, and for an account without a password the invitation to choose
 * one, audited when it went out.
 */
export async function auditCreated(
  context: AccountsContext,
  acting: SessionUser,
  created: UserDocument,
  requestId: string | undefined,
  options: { invite: boolean },
): Promise<{ sent: boolean }> {
  const target = { type: 'user' as const, id: String(created._id), label: created.email };
  await recordAudit({
    actor: actorOf(acting),
    action: 'user.created',
    target,
    before: {},
    after: { email: created.email, name: created.name, roles: created.roles, country: created.country },
    requestId,
  });
  if (!options.invite) return { sent: false };
  const sent = await sendInvitation(context, acting, created);
  if (sent) await recordAudit({ actor: actorOf(acting), action: 'user.invitation-sent', target, before: {}, after: {}, requestId });
  return { sent };
}
