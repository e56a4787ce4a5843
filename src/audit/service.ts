import { can } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { ForbiddenError } from '../http/errors';
import type { Page, Pagination } from '../http/pagination';
import {
  type AuditAction,
  type AuditActor,
  AuditEvent,
  type AuditEventDocument,
  type AuditTarget,
  type AuditValues,
} from './model';

export interface AuditRecord {
  actor: AuditActor;
  action: AuditAction;
  target: AuditTarget;
  before: AuditValues;
  after: AuditValues;
  requestId?: string | undefined;
}

export interface AuditEventView {
  id: string;
  actor: AuditActor;
  action: AuditAction;
  target: AuditTarget;
  before: AuditValues;
  after: AuditValues;
  at: Date;
  requestId: string | null;
}

export interface AuditFilter extends Pagination {
  targetId?: string | undefined;
  actorId?: string | undefined;
  action?: AuditAction | undefined;
}

/** The actor of a change made by a signed-in person, as they are at that moment. */
export function actorOf(user: Pick<SessionUser, 'id' | 'email' | 'name'>): AuditActor {
  return { type: 'user', id: user.id, email: user.email, name: user.name };
}

/**
 * Writes one event. It is written after the change it describes (there are no transactions):
 * if the database fails in between, the request fails visibly and the log shows the error.
 */
export async function recordAudit(record: AuditRecord): Promise<void> {
  await AuditEvent.create({
    actor: record.actor,
    action: record.action,
    target: record.target,
    before: record.before,
    after: record.after,
    at: new Date(),
    ...(record.requestId ? { requestId: record.requestId } : {}),
  });
}

function toView(event: AuditEventDocument): AuditEventView {
  return {
    id: String(event._id),
    actor: event.actor,
    action: event.action,
    target: event.target,
    before: event.before ?? {},
    after: event.after ?? {},
    at: event.at,
    requestId: event.requestId ?? null,
  };
}

/** The log, newest first, paged in the database. Administrators only. */
export async function listAuditEvents(viewer: SessionUser | undefined, filter: AuditFilter): Promise<Page<AuditEventView>> {
  if (!can(viewer, 'audit.read')) throw new ForbiddenError('reading the audit log is for administrators');
  // Each value is a plain string (checked by the caller's schema); equality only.
  const query: Record<string, string> = {};
  if (filter.targetId) query['target.id'] = filter.targetId;
  if (filter.actorId) query['actor.id'] = filter.actorId;
  if (filter.action) query.action = filter.action;
  const [events, total] = await Promise.all([
    AuditEvent.find(query)
      .sort({ at: -1, _id: -1 })
      .skip((filter.page - 1) * filter.pageSize)
      .limit(filter.pageSize)
      .lean(),
    AuditEvent.countDocuments(query),
  ]);
  return { items: events.map(toView), total, page: filter.page, pageSize: filter.pageSize };
}
