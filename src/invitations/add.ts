/**
 * Staff adding someone to a session (issue 11, point 1), the one way for the API, the roster
 * form and the CSV import: a person the adder may already see (scope.ts) is enrolled at once;
 * anyone else, and an address or id with no account behind it, is invited (service.ts). The
 * answer for an invitation is the same whoever the address belongs to, so adding someone
 * never tells whether they have an account, nor anything about it.
 */
import { User, type UserDocument } from '../accounts/model';
import type { AccountsContext } from '../accounts/service';
import type { SessionUser } from '../accounts/session-user';
import { assertTakesEnrolments, enrol, type EnrolResult, notStaff, sessionNotFound } from '../enrolment/service';
import { findSession, managesSession } from '../sessions/access';
import type { InvitationPrefill } from './model';
import { maySeePerson } from './scope';
import { type InvitationResult, inviteToSession } from './service';

const OBJECT_ID = /^[a-f0-9]{24}$/i;

/** Whom to add: an account id (API), or an address with what a CSV row said of the person. */
export type AddTarget = { userId: string } | { email: string; name?: string | undefined; prefill?: InvitationPrefill | undefined };

export type AddOutcome = ({ kind: 'enrolled' } & EnrolResult) | ({ kind: 'invited' } & InvitationResult);

type Account = Pick<UserDocument, '_id' | 'email' | 'language' | 'status' | 'roles' | 'country'>;
const ACCOUNT_FIELDS = { email: 1, language: 1, status: 1, roles: 1, country: 1 } as const;

async function accountOf(target: AddTarget): Promise<Account | undefined> {
  if ('userId' in target) {
    return OBJECT_ID.test(target.userId) ? ((await User.findById(target.userId).select(ACCOUNT_FIELDS).lean<Account>()) ?? undefined) : undefined;
  }
  return (await User.findOne({ email: target.email.trim().toLowerCase() }).select(ACCOUNT_FIELDS).lean<Account>()) ?? undefined;
}

const isSelf = (actor: SessionUser, target: AddTarget) =>
  'userId' in target ? target.userId.toLowerCase() === actor.id.toLowerCase() : target.email.trim().toLowerCase() === actor.email.toLowerCase();

/**
 * Adds `target` to the session for `actor`, one of its staff.
 * 403 `not-session-staff` (checked before anyone is looked up); 404 `session-unknown`;
 * 409 `session-not-open`, `deadline-passed`; for a person the actor may see, the refusals of
 * `enrol` (already enrolled or waiting, 404 `user-unknown` for a disabled account).
 */
export async function addPerson(context: AccountsContext, actor: SessionUser, sessionId: string, target: AddTarget, now = new Date()): Promise<AddOutcome> {
  const session = await findSession(sessionId).catch(() => {
    throw sessionNotFound();
  });
  if (!managesSession(actor, session)) throw notStaff();
  if (isSelf(actor, target)) return { kind: 'enrolled', ...(await enrol(actor, sessionId, undefined, now)) };
  assertTakesEnrolments(actor, session, now);

  const account = await accountOf(target);
  if (account && (await maySeePerson(actor, account))) {
    return { kind: 'enrolled', ...(await enrol(actor, sessionId, { userId: String(account._id) }, now)) };
  }
  const invitation = await inviteToSession(context, actor, session, {
    contact: 'userId' in target ? target.userId : target.email,
    contactName: 'name' in target ? target.name : undefined,
    email: 'email' in target ? target.email : account?.email,
    account,
    prefill: 'prefill' in target ? target.prefill : undefined,
  }, now);
  return { kind: 'invited', ...invitation };
}
