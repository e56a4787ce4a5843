import { consumeEmailToken, issueEmailToken, peekEmailToken } from '../accounts/email-token';
import { User, type UserDocument } from '../accounts/model';
import { passwordFieldErrors } from '../accounts/password-policy';
import { hashPassword } from '../accounts/passwords';
import { type AccountsContext, sendAccountMail } from '../accounts/service';
import { type SessionUser, toSessionUser } from '../accounts/session-user';
import { ValidationError } from '../http/errors';

/**
 * An account made by staff without a password: its owner gets a single-use link (valid 14
 * days, see email-token.ts) to choose one. Reports a failed send instead of throwing, since
 * the account exists either way.
 */
export async function sendInvitation(
  context: AccountsContext,
  inviter: Pick<SessionUser, 'name'>,
  user: Pick<UserDocument, '_id' | 'email' | 'name' | 'language'>,
): Promise<boolean> {
  const secret = await issueEmailToken(user._id, 'invitation');
  const link = `${context.baseUrl}/invitation?token=${encodeURIComponent(secret)}`;
  return sendAccountMail(context, user, 'invitation', { name: user.name, link, inviter: inviter.name });
}

/** The invited account, while its link is unused, unexpired, and the account active. */
async function invitedUser(secret: string) {
  const pending = await peekEmailToken(secret, 'invitation');
  if (!pending) return undefined;
  const user = await User.findById(pending.userId).lean();
  return user && user.status === 'active' ? user : undefined;
}

export async function isInvitationValid(secret: string): Promise<boolean> {
  return Boolean(await invitedUser(secret));
}

export interface AcceptedInvitation {
  user: SessionUser;
  /**
   * False when the account already uses two-factor authentication: the link proves access to
   * the mailbox, not to the authenticator app, so such a person signs in with both as always.
   */
  signIn: boolean;
}

/**
 * Sets the invited person's password and uses the link up atomically (of two submissions,
 * one wins). Resolves to the account, or undefined when the link is no good. A password the
 * policy refuses leaves the link usable for another try.
 */
export async function acceptInvitation(secret: string, password: string): Promise<AcceptedInvitation | undefined> {
  const invited = await invitedUser(secret);
  if (!invited) return undefined;
  const problems = passwordFieldErrors(password, { email: invited.email, name: invited.name });
  if (problems.length > 0) throw new ValidationError(problems);
  const passwordHash = await hashPassword(password);
  if (!(await consumeEmailToken(secret, 'invitation'))) return undefined;
  const now = new Date();
  const signIn = !invited.twoFactor?.enabledAt;
  // A new password ends every other session and API token of the account, as a reset does.
  const updated = await User.findOneAndUpdate(
    { _id: invited._id, status: 'active' },
    {
      $set: { passwordHash, emailVerifiedAt: invited.emailVerifiedAt ?? now, ...(signIn ? { lastSignInAt: now } : {}) },
      $inc: { sessionEpoch: 1 },
    },
    { returnDocument: 'after' },
  ).lean();
  return updated ? { user: toSessionUser(updated), signIn } : undefined;
}
