/**
 * Mail bodies from EJS templates in views/mail/: `<name>.txt.ejs` for the text part and
 * `<name>.html.ejs` inside `layout.html.ejs` for the HTML part. Plain HTML: no images, no remote
 * content, no tracking; the only links are the ones the mail is about.
 */
import path from 'node:path';
import ejs from 'ejs';

export interface RenderedBody {
  text: string;
  html: string;
}

export class MailTemplates {
  constructor(
    private readonly viewsDir: string,
    private readonly appName: string,
  ) {}

  async render(name: string, locals: Record<string, unknown>): Promise<RenderedBody> {
    const dir = path.join(this.viewsDir, 'mail');
    const all = { appName: this.appName, ...locals };
    const text = await ejs.renderFile(path.join(dir, `${name}.txt.ejs`), all, { async: false });
    const body = await ejs.renderFile(path.join(dir, `${name}.html.ejs`), all, { async: false });
    const html = await ejs.renderFile(path.join(dir, 'layout.html.ejs'), { ...all, body }, { async: false });
    return { text: text.replace(/\n{3,}/g, '\n\n').trim() + '\n', html };
  }
}
