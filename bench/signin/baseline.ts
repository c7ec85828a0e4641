/**
 * The baseline the benchmark compares Riskgate with: a bare Express app doing the minimum a sign-in
 * needs. express-session on the same session store as the Riskgate scenario, passport-local looking the
 * user up in the same users table, argon2 verify (the stored hashes carry Riskgate's ARGON2_OPTIONS),
 * session regenerated on login (passport 0.7 does it in req.logIn), 303 to '/'. No risk checks, no
 * throttle, no CSRF, no helmet. Its protected page checks the session only and renders the demo app's
 * own home view, so both protected pages cost the same to render.
 */
import path from 'node:path';
import argon2 from 'argon2';
import ejs from 'ejs';
import express, { type Express } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { VIEWS_DIR } from '../../src/paths.js';
import type { UserStore } from '../../src/storage/types.js';

export const BASELINE_COOKIE = 'bench.sid';

interface BaselineUser {
  id: string;
  username: string;
}

export function createBaselineApp(deps: {
  users: UserStore;
  sessions: session.Store;
  sessionSecret: string;
  maxAgeMs: number;
}): Express {
  const passport = new Passport();
  passport.use(
    new LocalStrategy((username, password, done) => {
      (async () => {
        const record = await deps.users.findUserByUsername(username.normalize('NFKC').trim().toLowerCase());
        if (!record) return done(null, false);
        const valid = await argon2.verify(record.passwordHash, password);
        return done(null, valid ? { id: record.id, username: record.username } : false);
      })().catch(done);
    }),
  );
  // The session holds the whole (small) user: the protected page needs no database read but the session.
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: BaselineUser, done) => done(null, user));

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    session({
      name: BASELINE_COOKIE,
      store: deps.sessions,
      secret: deps.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: false, maxAge: deps.maxAgeMs, path: '/' },
    }),
  );
  app.use(passport.initialize());
  app.use(passport.session());

  app.post('/sign-in', express.urlencoded({ extended: false, limit: '16kb' }), (req, res, next) => {
    passport.authenticate('local', { session: false }, (error: unknown, user: BaselineUser | false) => {
      if (error) return next(error);
      if (!user) return res.status(401).type('text').send('The username or password is incorrect.');
      // passport 0.7: logIn regenerates the session (no fixation), stores the user, saves, then calls back.
      req.logIn(user, (loginError) => (loginError ? next(loginError) : res.redirect(303, '/')));
    })(req, res, next);
  });

  app.get('/protected', async (req, res) => {
    const user = req.user as BaselineUser | undefined;
    if (!user) return res.redirect(303, '/sign-in');
    const html = await ejs.renderFile(path.join(VIEWS_DIR, 'demo', 'home.ejs'), {
      title: 'Home',
      appName: 'Riskgate',
      basePath: '/auth',
      staticPath: '/auth/static',
      csrfToken: 'baseline-has-no-csrf-token-here',
      username: user.username,
    });
    res.set('Cache-Control', 'no-store').type('html').send(html);
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return app;
}
