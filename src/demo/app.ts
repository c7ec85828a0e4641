/** The reference server's app: a small protected page behind Riskgate (what `npm start` serves). */
import path from 'node:path';
import express, { type Express } from 'express';
import ejs from 'ejs';
import type { Riskgate } from '../riskgate.js';
import { VIEWS_DIR } from '../paths.js';
import { fixedHeaders } from '../web/security.js';

export function createDemoApp(riskgate: Riskgate, viewsDir: string = VIEWS_DIR): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(fixedHeaders()); // helmet's defaults, computed once
  app.use(riskgate.operations); // probes and metrics: no session, no request log line each
  app.use(riskgate.requestLogging);
  app.use(riskgate.session);
  app.use(riskgate.router);
  app.use('/admin', riskgate.admin); // the admin console and its API (/admin/api/v1)
  const { basePath, appName } = riskgate.config;

  app.get('/', riskgate.requireAuth, async (req, res) => {
    const html = await ejs.renderFile(path.join(viewsDir, 'demo', 'home.ejs'), {
      title: 'Home',
      appName,
      basePath,
      staticPath: `${basePath}/static`,
      csrfToken: riskgate.csrfToken(req),
      username: req.session.riskgate?.username ?? '',
    });
    res.set('Cache-Control', 'no-store').type('html').send(html);
  });
  return app;
}
