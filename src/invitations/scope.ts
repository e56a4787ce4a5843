/**
 * Whom staff may add to a session directly (issue 11, point 1): the people they may already
 * see. Anyone else is invited, so that adding a person never shows the adder a field of an
 * account they could not read otherwise.
 *
 * - administrators, and coordinators within their countries: whoever `users.read` lets them see;
 * - trainers (and coordinators teaching abroad): the people already on one of their rosters,
 *   enrolled or waiting, in any session they teach.
 */
import mongoose from 'mongoose';
import type { UserDocument } from '../accounts/model';
import { can, hasRole } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { Enrolment } from '../enrolment/model';
import { TrainingSession } from '../sessions/model';

export type VisiblePerson = Pick<UserDocument, '_id' | 'roles' | 'country'>;

export async function maySeePerson(actor: SessionUser, person: VisiblePerson): Promise<boolean> {
  if (can(actor, 'users.read', { roles: person.roles, country: person.country })) return true;
  if (!hasRole(actor, 'trainer') && !hasRole(actor, 'coordinator')) return false;
  const taught = await TrainingSession.find({ trainers: new mongoose.Types.ObjectId(actor.id) }).select({ _id: 1 }).lean();
  if (taught.length === 0) return false;
  const onRoster = await Enrolment.exists({
    user: person._id,
    session: mongoose.trusted({ $in: taught.map((session) => session._id) }),
    status: mongoose.trusted({ $in: ['enrolled', 'waitlisted'] }),
  });
  return Boolean(onRoster);
}
