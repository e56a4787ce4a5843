import type { RequestHandler } from 'express';
import session from 'express-session';
import MongoStore from 'connect-mongo';
import mongoose from 'mongoose';
import type { Config } from '../config';
import type { Database } from '../db';
import { ServiceUnavailableError } from './errors';

type StoreClient = NonNullable<Parameters<typeof MongoStore.create>[0]['client']>;

export const SESSION_COOKIE = 'liaise.sid';
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;

declare module 'express-session' {
  interface SessionData {
    /** When the person signed in: the absolute timeout counts from here. */
    signedInAt?: number;
    /** The account's sessionEpoch at sign-in; a different one now means "signed out everywhere". */
    epoch?: number;
  }
}

interface StoredSession {
  _id: string;
  session: session.SessionData;
  expires?: Date;
  lastModified?: Date;
}

/**
 * connect-mongo, reading a session by its id alone. Its own `get` asks for `{_id, $or: [expiry
 * conditions]}`, which FerretDB's SQLite backend answers by scanning and decoding every stored
 * session (only a filter on `_id` alone uses the key), on every signed-in request: the store
 * grows with every visitor who opened a form (the CSRF token lives in the session). The expiry
 * is checked here instead, as connect-mongo would have.
 */
class SessionStore extends MongoStore {
  override get(sid: string, callback: (error: unknown, session?: session.SessionData | null) => void): void {
    mongoose.connection
      .collection<StoredSession>('sessions')
      .findOne({ _id: sid })
      .then((stored) => {
        if (!stored || (stored.expires && stored.expires.getTime() <= Date.now())) return callback(null, null);
        const found = { ...stored.session } as session.SessionData & { lastModified?: Date };
        // connect-mongo's `touchAfter` reads when the session was last written.
        if (stored.lastModified) found.lastModified = stored.lastModified;
        callback(null, found);
      }, callback);
  }
}

/**
 * Browser sessions in the database (stateless app instances). The cookie lives 30 minutes
 * and is renewed by every request (idle timeout); sign-in adds the 12-hour absolute limit.
 * Expired sessions are removed by an interval (FerretDB has no TTL index).
 */
export function sessionMiddleware(options: { config: Config; database: Database; secret: string }): RequestHandler {
  const store = new SessionStore({
    // Mongoose's own driver client; connect-mongo declares a different (compatible) copy of the
    // mongodb types, hence the cast.
    clientPromise: options.database
      .whenConnected()
      .then(() => mongoose.connection.getClient() as unknown as StoreClient),
    dbName: options.database.name,
    collectionName: 'sessions',
    autoRemove: 'interval',
    autoRemoveInterval: 10,
    touchAfter: 60,
    stringify: false,
  });
  const withSession = session({
    name: SESSION_COOKIE,
    secret: options.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: Boolean(options.config.trustProxy),
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.config.secureCookies,
      maxAge: IDLE_TIMEOUT_MS,
    },
  });
  return (req, res, next) => {
    if (options.database.isConnected()) return withSession(req, res, next);
    // Without the database there are no sessions: pages still read, nothing can change.
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    return next(new ServiceUnavailableError());
  };
}
