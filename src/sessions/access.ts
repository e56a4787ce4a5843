import mongoose from 'mongoose';
import { hasRole, inScope } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { ForbiddenError, NotFoundError } from '../http/errors';
import { TrainingSession, type TrainingSessionDocument } from './model';

/**
 * Its trainers, coordinators of its country, administrators: who edit, cancel, see the roster,
 * list and enrol people and take the roll call. A coordinator named as one of its trainers
 * teaches it, even in another country (scheduling lets coordinators teach).
 */
export function managesSession(user: SessionUser | undefined, session: Pick<TrainingSessionDocument, 'trainers' | 'country'>): boolean {
  if (!user || user.status !== 'active') return false;
  if (hasRole(user, 'admin')) return true;
  if (hasRole(user, 'coordinator') && inScope(user, session.country)) return true;
  return (hasRole(user, 'trainer') || hasRole(user, 'coordinator')) && session.trainers.some((id) => String(id) === user.id);
}

/** The session of a URL's id for someone who manages it: 404 when there is none, 403 for others. */
export async function managedSession(user: SessionUser | undefined, id: string): Promise<TrainingSessionDocument> {
  const session = await findSession(id);
  if (!managesSession(user, session)) throw new ForbiddenError();
  return session;
}

/** Coordinators (of its country) and administrators: who may record training already held and pin versions. */
export function runsProgramme(user: SessionUser, country: string): boolean {
  return hasRole(user, 'admin') || (hasRole(user, 'coordinator') && inScope(user, country));
}

/** A session by the id in a URL; anything that cannot be one is simply not found. */
export async function findSession(id: string): Promise<TrainingSessionDocument> {
  const session = mongoose.isObjectIdOrHexString(id) && /^[a-f0-9]{24}$/i.test(id) ? await TrainingSession.findById(id).lean() : null;
  if (!session) throw new NotFoundError('no such session');
  return session;
}
