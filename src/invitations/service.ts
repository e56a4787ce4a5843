/**
 * Session invitations (issue 11, point 1): made when staff add someone they may not see
 * (add.ts decides), mailed to the person in their language, answered on a page by that
 * person only. An invitation never tells its inviter anything about an account: the roster
 * shows what was typed, and the same answer is given whoever the address belongs to.
 */
import mongoose from 'mongoose';
import { User, type UserDocument } from '../accounts/model';
import type { AccountsContext } from '../accounts/service';
import type { SessionUser } from '../accounts/session-user';
import { digest, newSecret } from '../accounts/tokens';
import { claimOnce } from '../db/single-use';
import { isDuplicateKey } from '../db/duplicate-key';
import { Enrolment } from '../enrolment/model';
import { isSupportedLanguage, type Language } from '../i18n/languages';
import { renderMail } from '../mail/templates';
import { City } from '../reference/model';
import type { TrainingSessionDocument } from '../sessions/model';
import { type InvitationPrefill, SessionInvitation, type SessionInvitationDocument, invitationIndexesReady } from './model';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long an invitation made after the deadline (by those who may still add people) can be answered. */
const LATE_INVITATION_MS = 14 * DAY_MS;

export const INVITATION_PATH = '/session-invitation';

type InvitedSession = Pick<TrainingSessionDocument, '_id' | 'title' | 'city' | 'language' | 'timezone' | 'days' | 'enrolmentDeadline' | 'lastEndsAt'>;

/** An account behind the address, when there is one: only to decide whether and how to mail. */
export type InvitedAccount = Pick<UserDocument, '_id' | 'email' | 'language' | 'status'>;

/**
 * Until the enrolment deadline. Coordinators and administrators may still add people after it
 * (to record training already held): their invitation then lasts until the session ends, or
 * two weeks when that too is past.
 */
export function invitationExpiry(session: Pick<TrainingSessionDocument, 'enrolmentDeadline' | 'lastEndsAt'>, now: Date): Date {
  if (session.enrolmentDeadline.getTime() > now.getTime()) return session.enrolmentDeadline;
  if (session.lastEndsAt.getTime() > now.getTime()) return session.lastEndsAt;
  return new Date(now.getTime() + LATE_INVITATION_MS);
}

export interface Invitee {
  /** What the inviter typed: an address, or an account id. */
  contact: string;
  /** A name typed with it (a CSV row). */
  contactName?: string | undefined;
  /** Where to write: the typed address, or the address of the account an id named. */
  email?: string | undefined;
  account?: InvitedAccount | undefined;
  prefill?: InvitationPrefill | undefined;
}

export interface InvitationResult {
  invitationId: string;
  expiresAt: Date;
  /** This session already had an invitation for this address (nothing new was sent). */
  already: boolean;
}

/**
 * Invites `invitee` to `session` on behalf of `actor`. Idempotent per session and address: a
 * second call finds the first invitation. No mail goes to a disabled account or to someone
 * already in the session, but the answer is the same, so it tells the inviter nothing.
 */
export async function inviteToSession(context: AccountsContext, actor: SessionUser, session: InvitedSession, invitee: Invitee, now = new Date()): Promise<InvitationResult> {
  await invitationIndexesReady();
  const contact = invitee.contact.trim().toLowerCase();
  const existing = await SessionInvitation.findOne({ session: session._id, contact }).select({ expiresAt: 1 }).lean();
  if (existing) return { invitationId: String(existing._id), expiresAt: existing.expiresAt, already: true };

  const secret = newSecret();
  let created: SessionInvitationDocument;
  try {
    created = (
      await SessionInvitation.create({
        session: session._id,
        contact,
        ...(invitee.contactName ? { contactName: invitee.contactName } : {}),
        ...(invitee.email ? { email: invitee.email.trim().toLowerCase() } : {}),
        ...(invitee.prefill ? { prefill: invitee.prefill } : {}),
        invitedBy: new mongoose.Types.ObjectId(actor.id),
        inviterName: actor.name,
        tokenHash: digest(secret),
        status: 'pending',
        expiresAt: invitationExpiry(session, now),
        mailed: false,
      })
    ).toObject();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    // The same person added twice at once: one invitation, one mail.
    const raced = await SessionInvitation.findOne({ session: session._id, contact }).select({ expiresAt: 1 }).lean();
    if (!raced) throw error;
    return { invitationId: String(raced._id), expiresAt: raced.expiresAt, already: true };
  }

  if (created.email && (await shouldMail(invitee.account, session._id))) {
    const language = mailLanguage(invitee, session);
    const sent = await sendInvitationMail(context, { ...created, email: created.email }, session, secret, language);
    if (sent) await SessionInvitation.updateOne({ _id: created._id }, { $set: { mailed: true } });
  }
  return { invitationId: String(created._id), expiresAt: created.expiresAt, already: false };
}

async function shouldMail(account: InvitedAccount | undefined, session: mongoose.Types.ObjectId): Promise<boolean> {
  if (!account) return true;
  if (account.status !== 'active') return false;
  const inSession = await Enrolment.exists({ session, user: account._id, status: mongoose.trusted({ $in: ['enrolled', 'waitlisted'] }) });
  return !inSession;
}

function mailLanguage(invitee: Invitee, session: InvitedSession): Language {
  const wanted = invitee.account?.language ?? invitee.prefill?.language;
  return wanted && isSupportedLanguage(wanted) ? wanted : session.language;
}

/** "12 March 2027 – 13 March 2027" in `lang`, in the session's zone. */
function datesOf(session: InvitedSession, lang: Language): string {
  const format = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: session.timezone });
  const first = format.format(session.days[0]!.startsAt);
  const last = format.format(session.days[session.days.length - 1]!.startsAt);
  return first === last ? first : `${first} – ${last}`;
}

async function sendInvitationMail(context: AccountsContext, invitation: SessionInvitationDocument & { email: string }, session: InvitedSession, secret: string, lang: Language): Promise<boolean> {
  try {
    const city = await City.findById(session.city).select({ name: 1, names: 1 }).lean();
    const mail = await renderMail(context.i18n, 'session-invitation', lang, {
      inviter: invitation.inviterName,
      session: session.title,
      dates: datesOf(session, lang),
      city: city?.names?.[lang] ?? city?.name ?? session.city,
      deadline: new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: session.timezone }).format(invitation.expiresAt),
      link: `${context.baseUrl}${INVITATION_PATH}?token=${encodeURIComponent(secret)}`,
    });
    await context.mailer.send({ to: invitation.email, ...mail });
    return true;
  } catch (error) {
    context.log.error({ err: error, invitation: String(invitation._id) }, 'could not send a session invitation');
    return false;
  }
}

/** The invitation a link names, whatever its state; undefined when the link cannot be one. */
export async function invitationByLink(secret: string | undefined): Promise<SessionInvitationDocument | undefined> {
  if (!secret) return undefined;
  return (await SessionInvitation.findOne({ tokenHash: digest(secret) }).lean()) ?? undefined;
}

/** Why a link cannot be answered now, if it cannot. */
export type InvitationProblem = 'invalid' | 'answered' | 'expired' | 'other-person';

export function problemWith(invitation: SessionInvitationDocument | undefined, reader: Pick<SessionUser, 'email'> | undefined, now = new Date()): InvitationProblem | undefined {
  if (!invitation) return 'invalid';
  if (invitation.status !== 'pending') return 'answered';
  if (invitation.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (reader && reader.email.toLowerCase() !== invitation.email) return 'other-person';
  return undefined;
}

/**
 * Records the answer once: of two submissions (accept and decline, two tabs), the first wins
 * through a unique claim, since a guarded update is not atomic on FerretDB. False when the
 * invitation was answered meanwhile.
 */
export async function recordAnswer(invitation: SessionInvitationDocument, answer: 'accepted' | 'declined', now = new Date()): Promise<boolean> {
  const keep = Math.max(invitation.expiresAt.getTime() - now.getTime(), 0) + DAY_MS;
  if (!(await claimOnce(`session-invitation:${String(invitation._id)}`, keep))) return false;
  await SessionInvitation.updateOne({ _id: invitation._id }, { $set: { status: answer, answeredAt: now } });
  return true;
}

/** The link proves the mailbox: an account with that address is confirmed by answering. */
export async function confirmAddress(user: SessionUser, now = new Date()): Promise<SessionUser> {
  if (user.emailVerified) return user;
  await User.updateOne({ _id: user.id, emailVerifiedAt: mongoose.trusted({ $exists: false }) }, { $set: { emailVerifiedAt: now } });
  return { ...user, emailVerified: true };
}

export interface InvitationListItem {
  id: string;
  /** What the inviter typed: an address or an account id, and a name from a CSV row. */
  contact: string;
  name: string | null;
  status: 'pending' | 'declined' | 'expired';
  invitedBy: string;
  invitedAt: Date;
  expiresAt: Date;
}

/** The invitations of a session not yet accepted, for its staff: only what the inviters typed. */
export async function listInvitations(sessionId: mongoose.Types.ObjectId, now = new Date()): Promise<InvitationListItem[]> {
  const invitations = await SessionInvitation.find({ session: sessionId, status: mongoose.trusted({ $in: ['pending', 'declined'] }) })
    .select({ contact: 1, contactName: 1, status: 1, inviterName: 1, createdAt: 1, expiresAt: 1 })
    .sort({ createdAt: 1 })
    .lean();
  return invitations.map((invitation) => ({
    id: String(invitation._id),
    contact: invitation.contact,
    name: invitation.contactName ?? null,
    status: invitation.status === 'declined' ? 'declined' : invitation.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending',
    invitedBy: invitation.inviterName,
    invitedAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
  }));
}

/**
 * Withdraws an invitation not yet accepted (a mistyped address): its link then says it does
 * not work. False when there is none of that id in the session.
 */
export async function withdrawInvitation(sessionId: mongoose.Types.ObjectId, invitationId: string): Promise<boolean> {
  if (!/^[a-f0-9]{24}$/i.test(invitationId)) return false;
  const result = await SessionInvitation.deleteOne({ _id: invitationId, session: sessionId, status: mongoose.trusted({ $ne: 'accepted' }) });
  return result.deletedCount > 0;
}

/**
 * The registration form's values for someone following an invitation to create their account:
 * the invited address, and what a CSV row said of them. Undefined unless the link can still be
 * answered.
 */
export async function registrationValues(secret: string | undefined): Promise<Record<string, string> | undefined> {
  const invitation = await invitationByLink(secret);
  if (problemWith(invitation, undefined) || !invitation?.email) return undefined;
  const prefill = invitation.prefill ?? {};
  return {
    email: invitation.email,
    ...(prefill.name ? { name: prefill.name } : {}),
    ...(prefill.organisation ? { organisationOther: prefill.organisation } : {}),
    ...(prefill.sector ? { sector: prefill.sector } : {}),
    ...(prefill.language ? { language: prefill.language } : {}),
  };
}

/**
 * After an account was created through an invitation's link for the invited address: the link
 * proves the mailbox, so the address is confirmed and the person may go straight on to answer.
 * The path of the invitation page, or undefined when the link does not apply to this account.
 */
export async function continueInvitation(secret: string | undefined, user: SessionUser): Promise<{ user: SessionUser; path: string } | undefined> {
  const invitation = await invitationByLink(secret);
  if (problemWith(invitation, user)) return undefined;
  return { user: await confirmAddress(user), path: `${INVITATION_PATH}?token=${encodeURIComponent(secret!)}` };
}
