/**
 * Primary authentication through passport-local, on a private Passport instance so the app's own
 * passport set-up is untouched. Unknown users are verified against a dummy hash (same time, same answer).
 */
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Request, Response } from 'express';
import type { DirectoryUser, UserDirectory } from '../domain/identity.js';
import { verifyAgainstDummy } from './passwordHasher.js';

export const STRATEGY_NAME = 'riskgate-local';

export type PrimaryResult =
  { ok: true; user: DirectoryUser } | { ok: false; reason: 'unknownUser' | 'wrongPassword' };

const PRELOADED = Symbol('riskgate.preloadedUser');
type PreloadedRequest = Request & { [PRELOADED]?: DirectoryUser | null };

export function createPrimaryAuthenticator(directory: UserDirectory) {
  const passport = new Passport();
  passport.use(
    STRATEGY_NAME,
    new LocalStrategy(
      { usernameField: 'username', passwordField: 'password', session: false, passReqToCallback: true },
      (req, username, password, done) => {
        (async () => {
          // The pipeline already looked the user up (for lockout); reuse it rather than read again.
          const preloaded = (req as PreloadedRequest)[PRELOADED];
          const user = preloaded !== undefined ? preloaded : await directory.findByUsername(username);
          if (!user) {
            await verifyAgainstDummy(password);
            return done(null, false, { message: 'unknownUser' });
          }
          const valid = await directory.verifyPassword(user, password);
          return valid ? done(null, user) : done(null, false, { message: 'wrongPassword' });
        })().catch(done);
      },
    ),
  );
  const initialized = passport.initialize();

  /** Runs the strategy against an already-validated req.body; `knownUser` is the caller's lookup of it. */
  return function authenticate(
    req: Request,
    res: Response,
    knownUser?: DirectoryUser | null,
  ): Promise<PrimaryResult> {
    if (knownUser !== undefined) (req as PreloadedRequest)[PRELOADED] = knownUser;
    return new Promise((resolve, reject) => {
      initialized(req, res, () => {
        const handler = passport.authenticate(
          STRATEGY_NAME,
          { session: false },
          (error: unknown, user: DirectoryUser | false, info?: { message?: string }) => {
            if (error) return reject(error);
            if (user) return resolve({ ok: true, user });
            resolve({ ok: false, reason: info?.message === 'unknownUser' ? 'unknownUser' : 'wrongPassword' });
          },
        );
        handler(req, res, reject);
      });
    });
  };
}
