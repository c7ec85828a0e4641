/** Protects app routes: only sessions that finished every policy get through. */
import type { RequestHandler } from 'express';

export function createRequireAuth(basePath: string): RequestHandler {
  return (req, res, next) => {
    if (!req.session) {
      return next(
        new Error('Riskgate: requireAuth needs the session middleware (app.use(riskgate.session)) before it'),
      );
    }
    if (req.session.riskgate?.userId) return next();
    // API clients get a status they can act on; browsers go to sign-in and come back afterwards.
    if (req.accepts(['html', 'json']) === 'json') {
      res.status(401).json({
        error: { code: 'unauthenticated', message: 'Sign in first.', signIn: `${basePath}/sign-in` },
      });
      return;
    }
    const returnTo = req.method === 'GET' ? `?returnTo=${encodeURIComponent(req.originalUrl)}` : '';
    res.redirect(303, `${basePath}/sign-in${returnTo}`);
  };
}
