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

/**
 * Browser sessions in the database (stateless app instances). The cookie lives 30 minutes
 * and is renewed by every request (idle timeout); sign-in adds the 12-hour absolute limit.
 * Expired sessions are removed by an interval (FerretDB has no TTL index).
 */
export function sessionMiddleware(options: { config: Config; database: Database; secret: string }): RequestHandler {
  const store = MongoStore.create({
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
