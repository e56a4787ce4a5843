import { createHash } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { User } from './model';
import { digest, newSecret } from './tokens';

export const API_TOKEN_PREFIX = 'liaise_';
export const DEFAULT_TOKEN_DAYS = 30;
const OBJECT_ID = /^[a-f0-9]{24}$/i;

interface ApiTokenDocument {
  _id: mongoose.Types.ObjectId;
  userId: mongoose.Types.ObjectId;
  name: string;
  tokenHash: string;
  /**
   * The owner's `sessionEpoch` when the token was made: the token works only while it is still
   * the account's. Tokens made before epochs were stored have none, which counts as 0.
   */
  epoch?: number;
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
    epoch: { type: Number },
    expiresAt: { type: Date, required: true },
    lastUsedAt: { type: Date },
    revokedAt: { type: Date },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

const ApiToken = mongoose.model<ApiTokenDocument>('ApiToken', apiTokenSchema, 'api_tokens');

/**
 * A token's `_id`, derived from the token, so that every API request finds its token by `_id`:
 * FerretDB 1.24 reads only `_id` through an index, and a lookup by `tokenHash` decoded every
 * token of every account (on SQLite, in a write, for `lastUsedAt`). A hash of its own, not a
 * piece of the stored digest, as the id is shown (token lists, revocation URLs). Tokens made
 * before this have random ids and are still found by `tokenHash` (see findTokenOwner).
 */
const tokenIdOf = (token: string) => new mongoose.Types.ObjectId(createHash('sha256').update(`api-token-id:${token}`, 'utf8').digest('hex').slice(0, 24));

/** `lastUsedAt` is rewritten at most this often: it tells people roughly when, and a write per request cost as much as the lookup. */
const LAST_USED_PRECISION_MS = 60_000;

/**
 * A personal API token. Only its SHA-256 digest is stored; the caller sees the token once.
 * The prefix lets secret scanners recognise a leaked token. The epoch is read here, as the
 * token is made, so that a token made after a password change belongs to the new epoch.
 */
export async function createApiToken(userId: string, name: string, days = DEFAULT_TOKEN_DAYS) {
  const token = `${API_TOKEN_PREFIX}${newSecret()}`;
  const expiresAt = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  const owner = await User.findById(userId).select({ sessionEpoch: 1 }).lean();
  const tokenHash = digest(token);
  const created = await ApiToken.create({ _id: tokenIdOf(token), userId, name, tokenHash, epoch: owner?.sessionEpoch ?? 0, expiresAt });
  return { token, id: String(created._id), name, expiresAt };
}

/** The owner of an unexpired, unrevoked token, and the epoch the token belongs to; or undefined. */
export async function findTokenOwner(token: string): Promise<{ tokenId: string; userId: string; epoch: number } | undefined> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return undefined;
  const now = new Date();
  const tokenHash = digest(token);
  // By `_id` first (tokens made since ids derive from the token), the digest compared as well.
  let found = await ApiToken.findById(tokenIdOf(token)).lean();
  if (found && found.tokenHash !== tokenHash) found = null;
  // An older token (random id), or no token at all: the one query that reads the whole collection.
  found ??= await ApiToken.findOne({ tokenHash }).lean();
  if (!found || found.revokedAt || found.expiresAt.getTime() <= now.getTime()) return undefined;
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
    await ApiToken.updateOne({ _id: found._id }, { $set: { lastUsedAt: now } });
  }
  return { tokenId: String(found._id), userId: String(found.userId), epoch: found.epoch ?? 0 };
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

/** The owner's live tokens (not revoked, not expired, of the account's `sessionEpoch`), newest first. */
export async function listApiTokens(userId: string, sessionEpoch: number) {
  const tokens = await ApiToken.find({
    userId,
    revokedAt: mongoose.trusted({ $exists: false }),
    expiresAt: mongoose.trusted({ $gt: new Date() }),
  })
    .sort({ createdAt: -1 })
    .lean();
  return tokens.filter((token) => (token.epoch ?? 0) === sessionEpoch).map((token) => ({
    id: String(token._id),
    name: token.name,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
  }));
}
