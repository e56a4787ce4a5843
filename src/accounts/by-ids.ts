/**
 * Several accounts by id, for the lists that name people (a roster, a roll call, a trail).
 * One point query per account, sent together: FerretDB answers a query on `_id` alone from its
 * primary key, but `{_id: {$in: [...]}}` by scanning and decoding every account, which made a
 * roster's cost grow with the whole programme's membership instead of with the roster.
 */
import type mongoose from 'mongoose';
import { User, type UserDocument } from './model';

const OBJECT_ID = /^[a-f0-9]{24}$/i;

export type AccountFields = Partial<Record<keyof UserDocument, 1>>;

/** The accounts found, by id as text; ids that are not account ids or not found are left out. */
export async function accountsByIds<Account extends Pick<UserDocument, '_id'>>(ids: Iterable<mongoose.Types.ObjectId | string>, fields: AccountFields): Promise<Map<string, Account>> {
  const distinct = [...new Set([...ids].map((id) => String(id).toLowerCase()))].filter((id) => OBJECT_ID.test(id));
  const found = await Promise.all(distinct.map((id) => User.findById(id).select(fields).lean<Account>()));
  return new Map(found.filter((account): account is NonNullable<typeof account> => account !== null).map((account) => [String(account._id), account]));
}
