import mongoose, { Schema } from 'mongoose';
import { SUPPORTED_LANGUAGES, type Language } from '../i18n/languages';

export const ROLES = ['stakeholder', 'trainer', 'coordinator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ACCOUNT_STATUSES = ['active', 'disabled'] as const;

export interface UserDocument {
  _id: mongoose.Types.ObjectId;
  /** Always lower-cased, so uniqueness is case-insensitive without collation (FerretDB). */
  email: string;
  name: string;
  passwordHash: string;
  roles: Role[];
  language: Language;
  status: (typeof ACCOUNT_STATUSES)[number];
  emailVerifiedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserDocument>(
  {
    email: { type: String, required: true, lowercase: true, trim: true, unique: true },
    name: { type: String, required: true, trim: true },
    passwordHash: { type: String, required: true },
    roles: { type: [{ type: String, enum: ROLES }], default: ['stakeholder'] },
    language: { type: String, enum: SUPPORTED_LANGUAGES, default: 'en' },
    status: { type: String, enum: ACCOUNT_STATUSES, default: 'active' },
    emailVerifiedAt: { type: Date },
  },
  { timestamps: true },
);
userSchema.index({ roles: 1 });

export const User = mongoose.model<UserDocument>('User', userSchema);
