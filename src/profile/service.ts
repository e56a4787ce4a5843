import { User, type UserDocument } from '../accounts/model';
import { renameTrainer } from '../sessions/present';
import { passwordFieldErrors } from '../accounts/password-policy';
import { hashPassword, verifyPassword } from '../accounts/passwords';
import { type AccountsContext, getProfile, type Profile, sendAccountMail } from '../accounts/service';
import { type SessionUser, toSessionUser } from '../accounts/session-user';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../http/errors';
import { countryExists, findCity, findOrganisation } from '../reference/service';
import type { ProfilePatch } from './schemas';

export async function findAccount(userId: string): Promise<UserDocument> {
  const user = await User.findById(userId).lean();
  if (!user) throw new NotFoundError();
  return user;
}

/**
 * Refuses a wrong current password as an error on the form's own password field: the person
 * stays signed in and sees what to correct (the route's rate limit counts the failure).
 */
export async function assertCurrentPassword(user: UserDocument, password: string, field: string): Promise<void> {
  const matches = await verifyPassword(user.passwordHash, password);
  if (!matches) throw new ValidationError([{ path: field, key: 'profile:wrong-password' }]);
}

/**
 * Changes the person's own details. Places and organisation are checked against the reference
 * data as at registration; a city must lie in the country the account ends up with.
 */
export async function updateDetails(userId: string, patch: ProfilePatch): Promise<Profile> {
  const user = await findAccount(userId);
  const errors: FieldError[] = [];
  const set: Partial<UserDocument> = {};
  const unset: Record<string, 1> = {};

  if (patch.name !== undefined) set.name = patch.name;
  if (patch.language !== undefined) set.language = patch.language;
  if (patch.country !== undefined) {
    if (await countryExists(patch.country)) set.country = patch.country;
    else errors.push({ path: 'country', key: 'errors:field.invalid-choice' });
  }

  const country = patch.country ?? user.country;
  const city = patch.city === undefined ? user.city : patch.city;
  if (patch.city === null) unset.city = 1;
  else if (city && (patch.city !== undefined || patch.country !== undefined)) {
    const found = await findCity(city);
    if (!found || found.country !== country) errors.push({ path: 'city', key: 'errors:field.invalid-choice' });
    else set.city = found._id;
  }

  if (patch.organisation === null) Object.assign(unset, { organisationId: 1, organisationName: 1 });
  else if (patch.organisation !== undefined) {
    const partner = await findOrganisation(patch.organisation);
    if (partner) Object.assign(set, { organisationId: partner._id, organisationName: partner.name });
    else {
      set.organisationName = patch.organisation;
      unset.organisationId = 1;
    }
  }

  if (patch.sector === null) unset.sector = 1;
  else if (patch.sector !== undefined) set.sector = patch.sector;

  if (errors.length > 0) throw new ValidationError(errors);
  const update = {
    ...(Object.keys(set).length > 0 ? { $set: set } : {}),
    ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
  };
  if (Object.keys(update).length > 0) await User.updateOne({ _id: user._id }, update);
  if (set.name !== undefined && set.name !== user.name) await renameTrainer(userId, set.name);
  return (await getProfile(userId))!;
}

/**
 * A new password, given the current one. Every session and API token of the account ends
 * (the epoch goes up); the caller keeps its own session alive with the returned user's new
 * epoch, and a token made afterwards belongs to that epoch. The filter guards on the old
 * hash, so a reset that landed meanwhile is not silently overwritten.
 */
export async function changePassword(
  context: AccountsContext,
  userId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<SessionUser> {
  const user = await findAccount(userId);
  await assertCurrentPassword(user, input.currentPassword, 'currentPassword');
  const problems = passwordFieldErrors(input.newPassword, { email: user.email, name: user.name }, 'newPassword');
  if (problems.length > 0) throw new ValidationError(problems);
  const updated = await User.findOneAndUpdate(
    { _id: user._id, passwordHash: user.passwordHash },
    { $set: { passwordHash: await hashPassword(input.newPassword) }, $inc: { sessionEpoch: 1 } },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new ConflictError('the password was changed meanwhile');
  const changed = toSessionUser(updated);
  await sendAccountMail(context, changed, 'password-changed', { name: changed.name });
  return changed;
}
