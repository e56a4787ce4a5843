/**
 * An invitation to a training session (issue 11): how staff add someone they may not see.
 *
 * A trainer or a scoped coordinator who adds a person outside what they may already see (see
 * scope.ts) does not enrol them: the person is asked, by mail, and answers on a page. Until
 * they accept, the inviter sees only what they typed (`typed`), never a field of the account.
 * One invitation per session and typed contact (unique index), so adding the same person twice,
 * or importing the same file again, finds the invitation already there.
 */
import mongoose, { Schema } from 'mongoose';
import type { Language } from '../i18n/languages';

export const INVITATION_STATUSES = ['pending', 'accepted', 'declined'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** A CSV row's details, offered on the registration form when the person has no account yet. */
export interface InvitationPrefill {
  name?: string;
  organisation?: string;
  sector?: string;
  language?: Language;
}

export interface SessionInvitationDocument {
  _id: mongoose.Types.ObjectId;
  session: mongoose.Types.ObjectId;
  /**
   * What the inviter gave, shown on the roster instead of the account: the address typed (lower
   * case), or the account id given through the API.
   */
  contact: string;
  /** A name given with it (a CSV row). */
  contactName?: string;
  /** The mailbox asked; absent when an id named no account (nobody can answer, nothing is told). */
  email?: string;
  prefill?: InvitationPrefill;
  invitedBy: mongoose.Types.ObjectId;
  /** The inviter's name when inviting: the mail and the page name who asks. */
  inviterName: string;
  /** SHA-256 of the link's secret. */
  tokenHash: string;
  status: InvitationStatus;
  /** After this the link only says that the time to answer has passed. */
  expiresAt: Date;
  /** Whether a mail went out (none for someone already enrolled, or a disabled account). */
  mailed: boolean;
  answeredAt?: Date;
  createdAt: Date;
}

const invitationSchema = new Schema<SessionInvitationDocument>(
  {
    session: { type: Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
    contact: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    contactName: { type: String, maxlength: 200 },
    email: { type: String, lowercase: true, trim: true, maxlength: 254 },
    prefill: {
      name: { type: String, maxlength: 200 },
      organisation: { type: String, maxlength: 200 },
      sector: { type: String },
      language: { type: String },
    },
    invitedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    inviterName: { type: String, required: true, maxlength: 200 },
    tokenHash: { type: String, required: true, unique: true },
    status: { type: String, enum: INVITATION_STATUSES, required: true, default: 'pending' },
    expiresAt: { type: Date, required: true },
    mailed: { type: Boolean, required: true, default: false },
    answeredAt: { type: Date },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
invitationSchema.index({ session: 1, contact: 1 }, { unique: true });

export const SessionInvitation = mongoose.model<SessionInvitationDocument>('SessionInvitation', invitationSchema, 'session_invitations');

/** Resolves once the unique indexes exist: one invitation per session and mailbox relies on them. */
let indexesReady: Promise<unknown> | undefined;
export function invitationIndexesReady(): Promise<unknown> {
  indexesReady ??= SessionInvitation.createIndexes().catch((error: unknown) => {
    indexesReady = undefined;
    throw error;
  });
  return indexesReady;
}
