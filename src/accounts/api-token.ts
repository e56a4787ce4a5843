import mongoose, { Schema } from 'mongoose';
import { digest, newSecret } from './tokens';

export const API_TOKEN_PREFIX = 'liaise_';
export const DEFAULT_TOKEN_DAYS = 30;
const OBJECT_ID = /^[a-f0-9]{24}$/i;

interface ApiTokenDocument {
  _id: mongoose.Types.ObjectId;
  userId: mongoose.Types.ObjectId;
  name: string;
  tokenHash: string;
  expiresAt: Date;
  lastUsedAt?: Date;
  revokedAt?: Date;
  createdAt: Date;
}

const apiTokenSchema = new Schema<ApiTokenDocument>(
  {
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    tokenHash: { type: String, required: true, unique: true },
    expiresAt: { type: Date, required: true },
    lastUsedAt: { type: Date },
    revokedAt: { type: Date },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

const ApiToken = mongoose.model<ApiTokenDocument>('ApiToken', apiTokenSchema, 'api_tokens');

/**
 * A personal API token. Only its SHA-256 digest is stored; the caller sees the token once.
 * The prefix lets secret scanners recognise a leaked token.
 */
export async function createApiToken(userId: string, name: string, days = DEFAULT_TOKEN_DAYS) {
  const token = `${API_TOKEN_PREFIX}${newSecret()}`;
  const expiresAt = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  const created = await ApiToken.create({ userId, name, tokenHash: digest(token), expiresAt });
  return { token, id: String(created._id), name, expiresAt };
}

/** The owner of a live token (not expired, not revoked), or undefined. */
export async function findTokenOwner(token: string): Promise<{ tokenId: string; userId: string } | undefined> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return undefined;
  const now = new Date();
  const found = await ApiToken.findOneAndUpdate(
    { tokenHash: digest(token), revokedAt: mongoose.trusted({ $exists: false }), expiresAt: mongoose.trusted({ $gt: now }) },
    { $set: { lastUsedAt: now } },
    { returnDocument: 'after' },
  ).lean();
  return found ? { tokenId: String(found._id), userId: String(found.userId) } : undefined;
}

/** Revokes one of the owner's tokens; false when it is unknown, another's or already revoked. */
export async function revokeApiToken(tokenId: string, userId: string): Promise<boolean> {
  // An id from a URL may be anything: only a well-formed one can name a token.
  if (!OBJECT_ID.test(tokenId)) return false;
  const result = await ApiToken.updateOne(
    { _id: tokenId, userId, revokedAt: mongoose.trusted({ $exists: false }) },
    { $set: { revokedAt: new Date() } },
  );
  return result.modifiedCount > 0;
}

/** The owner's live tokens (not revoked, not expired), newest first. */
export async function listApiTokens(userId: string) {
  const tokens = await ApiToken.find({
    userId,
    revokedAt: mongoose.trusted({ $exists: false }),
    expiresAt: mongoose.trusted({ $gt: new Date() }),
  })
    .sort({ createdAt: -1 })
    .lean();
  return tokens.map((token) => ({
    id: String(token._id),
    name: token.name,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
  }));
}
