/**
 * Renders Riskgate's EJS pages with the locals every page needs. Rendering is independent of the host
 * app's view engine settings, so mounting Riskgate never changes the app's own views.
 */
import path from 'node:path';
import ejs from 'ejs';
import type { Request, Response } from 'express';

export interface RenderSettings {
  viewsDir: string;
  basePath: string;
  appName: string;
  cache: boolean;
  csrfToken: (req: Request) => string;
}

export type Render = (
  req: Request,
  res: Response,
  view: string,
  locals: Record<string, unknown> & { title: string },
  status?: number,
) => Promise<void>;

export function createRenderer(settings: RenderSettings): Render {
  return async (req, res, view, locals, status = 200) => {
    const html = await ejs.renderFile(
      path.join(settings.viewsDir, `${view}.ejs`),
      {
        basePath: settings.basePath,
        staticPath: `${settings.basePath}/static`,
        appName: settings.appName,
        // Pages that must not touch the session (the 503 page) pass their own csrfToken.
        csrfToken: 'csrfToken' in locals ? locals.csrfToken : settings.csrfToken(req),
        ...locals,
      },
      { cache: settings.cache, async: false },
    );
    res.status(status).type('html').send(html);
  };
}
