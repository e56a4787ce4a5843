import mongoose from 'mongoose';
import { consumeEmailToken, findPendingEmailToken, issueEmailToken, revokeEmailTokens } from '../accounts/email-token';
import { User, type UserDocument } from '../accounts/model';
import { type AccountsContext, sendAccountMail } from '../accounts/service';
import { type SessionUser, toSessionUser } from '../accounts/session-user';
import { ValidationError } from '../http/errors';
import { assertCurrentPassword, findAccount } from './service';
import { isDuplicateKey } from '../db/duplicate-key';

export const EMAIL_CONFIRM_PATH = '/profile/email/confirm';

/**
 * Asks to move the account to another address. The password is checked first, so whether an
 * address is taken is only told to someone who knows the account's password. The new address
 * is kept in the link's token; the account changes only when the link is followed, which
 * proves the person reads that mailbox. Resolves to whether the mail could be sent.
 */
export async function requestEmailChange(
  context: AccountsContext,
  userId: string,
  input: { newEmail: string; emailPassword: string },
): Promise<boolean> {
  const user = await findAccount(userId);
  await assertCurrentPassword(user, input.emailPassword, 'emailPassword');
  if (input.newEmail === user.email) throw new ValidationError([{ path: 'newEmail', key: 'profile:email.same' }]);
  if (await User.exists({ email: input.newEmail })) throw new ValidationError([{ path: 'newEmail', key: 'profile:email.taken' }]);
  // A new request replaces an earlier one: its link stops working (issueEmailToken).
  const secret = await issueEmailToken(user._id, 'change-email', input.newEmail);
  const link = `${context.baseUrl}${EMAIL_CONFIRM_PATH}?token=${encodeURIComponent(secret)}`;
  const sent = await sendAccountMail(context, toSessionUser(user), 'email-change-verify', { name: user.name, link }, input.newEmail);
  // A link nobody received must not show as "waiting for confirmation".
  if (!sent) await revokeEmailTokens(user._id, 'change-email');
  return sent;
}

/**
 * Calls a change off: its link stops working. A typo in the new address would otherwise let
 * the stranger who owns that address move the account to it by following the link.
 */
export async function cancelEmailChange(userId: string): Promise<void> {
  await revokeEmailTokens(userId, 'change-email');
}

/** The address waiting for confirmation, if any. */
export async function pendingEmailChange(userId: string): Promise<{ email: string; expiresAt: Date } | undefined> {
  const token = await findPendingEmailToken(userId, 'change-email');
  return token?.email ? { email: token.email, expiresAt: token.expiresAt } : undefined;
}

/** `user`: the account as it is after the change, with its new `sessionEpoch`. */
export type EmailChangeOutcome = { status: 'changed'; email: string; user: SessionUser } | { status: 'taken'; email: string } | { status: 'invalid' };

/**
 * Follows the link from the mail. The token is used up atomically first (two clicks, one
 * change); the unique index on `email` then decides a race with another account taking the
 * address meanwhile. The old address is told, unless it was never confirmed: then it may
 * belong to a stranger (a typo at registration), who must not learn the new address. As a
 * new password does, the change ends every session and API token of the account (a new
 * `sessionEpoch`); the caller keeps its own session alive with the returned user's epoch.
 */
export async function confirmEmailChange(context: AccountsContext, secret: string): Promise<EmailChangeOutcome> {
  const token = await consumeEmailToken(secret, 'change-email');
  if (!token?.email) return { status: 'invalid' };
  const user = await User.findById(token.userId).lean();
  if (!user || user.status !== 'active') return { status: 'invalid' };
  // Another account may have taken the address since the request. The unique index decides a
  // race, but FerretDB 1.24 (SQLite) reports a duplicate key on an *update* as an internal
  // error (code 1), not 11000 as MongoDB does: so the address is checked before, and again
  // when the update fails, to tell "taken" from a real failure on both servers.
  const takenByAnother = async () => Boolean(await User.exists({ email: token.email, _id: mongoose.trusted({ $ne: user._id }) }));
  if (await takenByAnother()) return { status: 'taken', email: token.email };
  let updated: UserDocument | null;
  try {
    updated = await User.findOneAndUpdate(
      { _id: user._id, email: user.email },
      { $set: { email: token.email, emailVerifiedAt: new Date() }, $inc: { sessionEpoch: 1 } },
      { returnDocument: 'after' },
    ).lean();
  } catch (error) {
    if (isDuplicateKey(error) || (await takenByAnother())) return { status: 'taken', email: token.email };
    throw error;
  }
  // The address changed by another way between the request and the click: this link is stale.
  if (!updated) return { status: 'invalid' };
  if (user.emailVerifiedAt) {
    await sendAccountMail(context, toSessionUser(user), 'email-changed-notice', { name: user.name, newEmail: token.email }, user.email);
  }
  return { status: 'changed', email: token.email, user: toSessionUser(updated) };
}
