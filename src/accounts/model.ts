import mongoose, { Schema } from 'mongoose';
import { invalidatesCache } from '../cache/shared-cache';
import { SUPPORTED_LANGUAGES, type Language } from '../i18n/languages';

export const ROLES = ['stakeholder', 'trainer', 'coordinator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ACCOUNT_STATUSES = ['active', 'disabled'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** The sectors the programme reports on (programme.md: local authorities and their partners). */
export const SECTORS = [
  'local-government',
  'police',
  'education',
  'social-youth-work',
  'probation-justice',
  'health',
  'civil-society',
  'other',
] as const;
export type Sector = (typeof SECTORS)[number];

export interface TwoFactorState {
  /** The encrypted TOTP secret once enrolment is confirmed. */
  secret?: string;
  /** A secret shown as a QR code, waiting for its first code. */
  pendingSecret?: string;
  enabledAt?: Date;
  /** The time step of the last accepted code: each code works once. */
  lastTimeStep?: number;
  /** SHA-256 of each unused recovery code. */
  recoveryCodeHashes: string[];
}

export interface UserDocument {
  _id: mongoose.Types.ObjectId;
  /** Always lower-cased, so uniqueness is case-insensitive without collation (FerretDB). */
  email: string;
  name: string;
  passwordHash: string;
  roles: Role[];
  language: Language;
  status: AccountStatus;
  country?: string;
  city?: string;
  /** A partner organisation's id, or none when the person typed a free-text name. */
  organisationId?: string;
  organisationName?: string;
  sector?: Sector;
  consent?: { noticeVersion: string; acceptedAt: Date };
  emailVerifiedAt?: Date;
  /** Coordinators may be limited to some countries; empty means all. */
  scopeCountries: string[];
  /**
   * Bumped whenever every session and API token of the account must end (disabled, password
   * or email address changed): a session or token remembers the epoch it started in and is
   * refused once it differs.
   */
  sessionEpoch: number;
  lastSignInAt?: Date;
  /** Two-factor authentication (TOTP). The secret is encrypted at rest (two-factor.ts). */
  twoFactor?: TwoFactorState;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserDocument>(
  {
    email: { type: String, required: true, lowercase: true, trim: true, unique: true, maxlength: 254 },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    passwordHash: { type: String, required: true },
    roles: { type: [{ type: String, enum: ROLES }], default: ['stakeholder'] },
    language: { type: String, enum: SUPPORTED_LANGUAGES, default: 'en' },
    status: { type: String, enum: ACCOUNT_STATUSES, default: 'active' },
    country: { type: String },
    city: { type: String },
    organisationId: { type: String },
    organisationName: { type: String, trim: true, maxlength: 200 },
    sector: { type: String, enum: SECTORS },
    consent: { noticeVersion: String, acceptedAt: Date },
    emailVerifiedAt: { type: Date },
    scopeCountries: { type: [String], default: [] },
    sessionEpoch: { type: Number, default: 0 },
    lastSignInAt: { type: Date },
    twoFactor: {
      secret: { type: String },
      pendingSecret: { type: String },
      enabledAt: { type: Date },
      lastTimeStep: { type: Number },
      recoveryCodeHashes: { type: [String], default: undefined },
    },
  },
  { timestamps: true },
);
userSchema.index({ roles: 1 });

// Accounts are read from memory (by-ids.ts): any write drops the kept ones.
invalidatesCache(userSchema, 'accounts');
export const User = mongoose.model<UserDocument>('User', userSchema);
