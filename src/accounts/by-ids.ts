/**
 * Accounts by id, kept in memory (cache/shared-cache.ts): every signed-in request reads its
 * account, and rosters and roll calls name their people. On FerretDB 1.24 even a query by
 * `_id` reads every account (its SQLite backend queries `_id` with an expression its index does
 * not match; PostgreSQL compares with a containment operator no index serves): 13 ms an account
 * at 2,000 people, 160 ms at 20,000. Any write to an account through the model drops the kept
 * ones here at once and on the other instances within 5 s; a disabled account or a new
 * password (which ends every session) therefore reaches another instance that late.
 */
import type mongoose from 'mongoose';
import { keyedCache } from '../cache/shared-cache';
import { User, type UserDocument } from './model';

const OBJECT_ID = /^[a-f0-9]{24}$/i;

const accounts = keyedCache<UserDocument | null>('accounts', (id) => User.findById(id).lean<UserDocument>());

/** The account, or null: not an account id, or no such account. Frozen: shared by every request. */
export async function accountById(id: string | mongoose.Types.ObjectId): Promise<UserDocument | null> {
  const key = String(id).toLowerCase();
  return OBJECT_ID.test(key) ? accounts.get(key) : null;
}

/** The accounts found, by id as text; ids that are not account ids or not found are left out. */
export async function accountsByIds(ids: Iterable<mongoose.Types.ObjectId | string>): Promise<Map<string, UserDocument>> {
  const distinct = [...new Set([...ids].map((id) => String(id).toLowerCase()))];
  const found = await Promise.all(distinct.map((id) => accountById(id)));
  return new Map(found.filter((account): account is UserDocument => account !== null).map((account) => [String(account._id), account]));
}
