import mongoose, { Schema } from 'mongoose';

/** Every action the audit log knows; people read them through `users:audit.actions.*`. */
export const AUDIT_ACTIONS = [
  'user.created',
  'user.roles-changed',
  'user.scope-changed',
  'user.disabled',
  'user.enabled',
  'user.invitation-sent',
  'programme.settings-changed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted: a person (copied as they were then, so renaming them later rewrites no history) or the system. */
export type AuditActor = { type: 'user'; id: string; email: string; name: string } | { type: 'system'; name: string };

/** What was changed: an account, or the programme's settings (id `programme`). */
export const AUDIT_TARGET_TYPES = ['user', 'settings'] as const;

export interface AuditTarget {
  type: (typeof AUDIT_TARGET_TYPES)[number];
  id: string;
  /** How the record read when it was changed (a user's email), kept for after it is gone. */
  label: string;
}

/** Only the fields that changed; keys are field names the code chose, never user input. */
export type AuditValues = Record<string, unknown>;

export interface AuditEventDocument {
  _id: mongoose.Types.ObjectId;
  actor: AuditActor;
  action: AuditAction;
  target: AuditTarget;
  before: AuditValues;
  after: AuditValues;
  at: Date;
  requestId?: string;
}

const auditEventSchema = new Schema<AuditEventDocument>(
  {
    actor: {
      type: { type: String, enum: ['user', 'system'], required: true },
      id: { type: String },
      email: { type: String },
      name: { type: String, required: true },
    },
    action: { type: String, enum: AUDIT_ACTIONS, required: true },
    target: {
      type: { type: String, enum: AUDIT_TARGET_TYPES, required: true },
      id: { type: String, required: true },
      label: { type: String, required: true },
    },
    // `minimize: false` keeps an empty `before` of a creation as {} rather than dropping it.
    before: { type: Schema.Types.Mixed, default: {} },
    after: { type: Schema.Types.Mixed, default: {} },
    at: { type: Date, required: true },
    requestId: { type: String },
  },
  { versionKey: false, minimize: false },
);
// The log is read newest first: all of it, one record's history, one person's actions, one action.
auditEventSchema.index({ at: -1 });
auditEventSchema.index({ 'target.id': 1, at: -1 });
auditEventSchema.index({ 'actor.id': 1, at: -1 });
auditEventSchema.index({ action: 1, at: -1 });

export const AuditEvent = mongoose.model<AuditEventDocument>('AuditEvent', auditEventSchema, 'audit_events');
