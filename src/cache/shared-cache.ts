/**
 * What rarely changes — the modules, the reference data, the programme settings — read from the
 * database once per instance and kept in memory, so that pages do not read it on every request
 * (on FerretDB every such read scans and decodes its whole collection).
 *
 * Every instance must see a change: a write through a model that `invalidatesCache` (see
 * below) drops this instance's copy at once and stamps the cache's document in
 * `cache_stamps` with a new random value; every instance reads all the stamps in one query every
 * few seconds and drops the copies whose stamp moved. Another instance may so serve the old
 * value for up to `POLL_MS`; this one never does after its own write.
 *
 * A load that started before a write finishes after it with what may be the old data: it is
 * returned to its own callers but not kept (the generation moved), so the next read loads again.
 */
import { randomBytes } from 'node:crypto';
import mongoose, { type Schema } from 'mongoose';

/** How often an instance looks for changes made by the others. */
const POLL_MS = 5_000;

interface StampDocument {
  _id: string;
  stamp: string;
}

const Stamp = mongoose.model<StampDocument>('CacheStamp', new mongoose.Schema<StampDocument>({ _id: String, stamp: { type: String, required: true } }, { versionKey: false }), 'cache_stamps');

interface Entry {
  /** Bumped by every invalidation: a load started under an older generation is not kept. */
  generation: number;
  /** Per key (a sharedCache has the one key ''). */
  values: Map<string, Promise<unknown>>;
  /** The stamp last seen in the database (undefined before the first poll). */
  stamp?: string;
}

const entries = new Map<string, Entry>();
let poller: NodeJS.Timeout | undefined;
/** A poll still waiting for its answer (the database paused): the next one is skipped, not piled up. */
let polling = false;

function entryOf(name: string): Entry {
  let entry = entries.get(name);
  if (!entry) {
    entry = { generation: 0, values: new Map() };
    entries.set(name, entry);
  }
  return entry;
}

function drop(entry: Entry): void {
  entry.generation += 1;
  entry.values.clear();
}

/** Reads every stamp in one query and drops what another instance changed. */
export async function pollStamps(): Promise<void> {
  const stamps = await Stamp.find().lean();
  for (const { _id, stamp } of stamps) {
    const entry = entryOf(_id);
    if (entry.stamp !== undefined && entry.stamp !== stamp) drop(entry);
    entry.stamp = stamp;
  }
}

function startPolling(): void {
  if (poller) return;
  poller = setInterval(() => {
    // A database that is away is noticed elsewhere; the copies stay as they are meanwhile.
    if (polling || mongoose.connection.readyState !== 1) return;
    polling = true;
    pollStamps()
      .catch(() => undefined)
      .finally(() => {
        polling = false;
      });
  }, POLL_MS);
  poller.unref();
}

/**
 * Freezes what is kept, all the way down: it is shared by every request, so a caller changing
 * it would change it for all; frozen, such a caller fails at once (strict mode) instead.
 * Binary values (ObjectIds, buffers) are left as they are: they cannot be frozen.
 */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || ArrayBuffer.isView(value) || '_bsontype' in value) return value;
  Object.freeze(value);
  const inner = value instanceof Map ? [...value.values()] : value instanceof Set ? [...value] : Object.values(value);
  for (const item of inner) deepFreeze(item);
  return value;
}

export interface SharedCache<Value> {
  /** The kept value, loading it when there is none. */
  get(): Promise<Value>;
}

/** A value of `name` kept in memory until a write through a model that invalidates `name`. */
export function sharedCache<Value>(name: string, load: () => PromiseLike<Value>): SharedCache<Value> {
  // One value: a keyed cache with a single key.
  const kept = keyedCache(name, load, 1);
  return { get: () => kept.get('') };
}

export interface KeyedCache<Value> {
  /** The value kept for `key`, loading it when there is none. */
  get(key: string): Promise<Value>;
}

/**
 * Values of `name` by key (one account, say), each loaded on first use and kept until a write
 * invalidates `name` — all of them then, as for `sharedCache`. At most `maxEntries` are kept:
 * beyond, the copies are dropped and loaded again as they are used.
 */
export function keyedCache<Value>(name: string, load: (key: string) => PromiseLike<Value>, maxEntries = 10_000): KeyedCache<Value> {
  return {
    get(key: string): Promise<Value> {
      startPolling();
      const entry = entryOf(name);
      const kept = entry.values.get(key);
      if (kept) return kept as Promise<Value>;
      if (entry.values.size >= maxEntries) entry.values.clear();
      const generation = entry.generation;
      // A real promise, awaited by many: a Mongoose query is a thenable that runs again on every then.
      const loading = Promise.resolve(load(key)).then(deepFreeze);
      entry.values.set(key, loading);
      loading.then(
        () => {
          // Written meanwhile: these callers get what was read, the next read loads again.
          if (entry.generation !== generation && entry.values.get(key) === loading) entry.values.delete(key);
        },
        () => {
          // A failed load is not kept: the next read tries again.
          if (entry.values.get(key) === loading) entry.values.delete(key);
        },
      );
      return loading;
    },
  };
}

/** Drops this instance's copy of `name` at once and tells the other instances. */
export async function invalidate(name: string): Promise<void> {
  const entry = entryOf(name);
  drop(entry);
  const stamp = randomBytes(8).toString('hex');
  entry.stamp = stamp;
  await Stamp.updateOne({ _id: name }, { $set: { stamp } }, { upsert: true }).catch(async (error: unknown) => {
    // Two instances creating the stamp at once: the other one's insert won, set it again.
    if ((error as { code?: number }).code === 11000) await Stamp.updateOne({ _id: name }, { $set: { stamp } });
    else throw error;
  });
  // Dropped again: a load that began between the drop above and the stamp is not kept either.
  drop(entry);
}

const WRITES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete', 'replaceOne', 'deleteOne', 'deleteMany'] as const;

/**
 * Every write through the schema's model invalidates `name`: saves, inserts, updates, deletes,
 * bulk writes. Writes through `Model.collection` bypass Mongoose and must call `invalidate`.
 */
export function invalidatesCache<Doc>(schema: Schema<Doc>, name: string): void {
  const after = async () => invalidate(name);
  schema.post('save', after);
  schema.post('insertMany', after);
  schema.post('bulkWrite', after);
  for (const write of WRITES) schema.post(write, after);
  schema.post('deleteOne', { document: true, query: false }, after);
}
