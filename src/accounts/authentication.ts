import type { RequestHandler } from 'express';
import { Passport } from 'passport';

type Authenticator = InstanceType<typeof Passport>;
import { Strategy as LocalStrategy } from 'passport-local';
import { ABSOLUTE_TIMEOUT_MS } from '../http/session';
import { authenticateWithPassword, findSessionUser } from './service';
import { endSession, showSignedIn } from './sign-in-session';
import type { SessionUser } from './session-user';

/**
 * Passport with the local strategy (email and password). The session keeps only the user id;
 * each request reloads the account, so a disabled account or a changed role takes effect at
 * once, and a session older than the account's `sessionEpoch` is ended.
 */
export function createPassport(): Authenticator {
  const passport = new Passport();
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      authenticateWithPassword(email, password).then((user) => done(null, user ?? false), done);
    }),
  );
  passport.serializeUser<string>((user, done) => done(null, (user as SessionUser).id));
  passport.deserializeUser<string>((id, done) => {
    findSessionUser(id).then((user) => done(null, user ?? false), done);
  });
  return passport;
}

/** Runs passport's session step only where a session exists (not while the database is away). */
export function sessionAuthentication(passport: Authenticator): RequestHandler[] {
  const restore = passport.session();
  const initialise = passport.initialize();
  const checkStillValid: RequestHandler = async (req, res, next) => {
    const user = req.user;
    if (!user || !req.session) return next();
    const tooOld = Date.now() - (req.session.signedInAt ?? 0) > ABSOLUTE_TIMEOUT_MS;
    const revoked = user.status !== 'active' || (req.session.epoch ?? -1) !== user.sessionEpoch;
    if (!tooOld && !revoked) {
      showSignedIn(res, user);
      return next();
    }
    await endSession(req, res);
    next();
  };
  return [initialise, (req, res, next) => (req.session ? restore(req, res, next) : next()), checkStillValid];
}
