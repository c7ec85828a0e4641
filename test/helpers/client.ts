/**
 * A minimal browser for supertest: keeps cookies, remembers the last page, and submits that page's
 * forms with their hidden fields (CSRF token, flow version) the way a real browser would.
 */
import request from 'supertest';
import type { Express } from 'express';

export interface Page {
  status: number;
  html: string;
  location: string | null;
  headers: Record<string, string | string[] | undefined>;
}

interface FormInfo {
  action: string;
  hidden: Record<string, string>;
}

function decode(text: string): string {
  return text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function formsOf(html: string): FormInfo[] {
  const forms: FormInfo[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = decode(/action="([^"]*)"/.exec(match[1]!)?.[1] ?? '');
    const hidden: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input[0])?.[1];
      const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
      if (name) hidden[name] = decode(value);
    }
    forms.push({ action, hidden });
  }
  return forms;
}

export class TestClient {
  readonly cookies = new Map<string, string>();
  last: Page = { status: 0, html: '', location: null, headers: {} };
  /** Sent with every request, e.g. `X-Forwarded-Proto: https` for an app behind a TLS proxy. */
  readonly headers: Record<string, string> = {};

  constructor(
    /** An app, or the URL of a running server; switch it to move a browser between instances. */
    public target: Express | string,
    /** The client's public address, sent as X-Forwarded-For (the test server trusts loopback). */
    public ip = '81.2.69.142',
    public userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: request.Response): Page {
    const setCookie = res.headers['set-cookie'] as unknown as string[] | undefined;
    for (const line of setCookie ?? []) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attributes.some(
        (a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0/i.test(a.trim()),
      );
      if (expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    this.last = {
      status: res.status,
      html: res.text ?? '',
      location: res.headers.location ?? null,
      headers: res.headers,
    };
    return this.last;
  }

  async get(path: string, options: { follow?: boolean } = {}): Promise<Page> {
    const res = await request(this.target)
      .get(path)
      .set('Cookie', this.cookieHeader())
      .set('X-Forwarded-For', this.ip)
      .set('User-Agent', this.userAgent)
      .set(this.headers)
      .redirects(0);
    const page = this.remember(res);
    if (options.follow !== false && page.location && page.status >= 300 && page.status < 400)
      return this.get(page.location, options);
    return page;
  }

  /** Posts raw fields (no hidden fields added). */
  async postRaw(
    path: string,
    body: string | Record<string, string | string[]>,
    options: { follow?: boolean } = {},
  ): Promise<Page> {
    const res = await request(this.target)
      .post(path)
      .set('Cookie', this.cookieHeader())
      .set('X-Forwarded-For', this.ip)
      .set('User-Agent', this.userAgent)
      .set(this.headers)
      .type('form')
      .send(body)
      .redirects(0);
    const page = this.remember(res);
    if (options.follow !== false && page.location && page.status >= 300 && page.status < 400)
      return this.get(page.location);
    return page;
  }

  /** Submits the form on the last page whose action ends with `actionSuffix` (and whose hidden fields match `match`). */
  async submit(
    actionSuffix: string,
    fields: Record<string, string> = {},
    match: Record<string, string> = {},
    options: { follow?: boolean } = {},
  ): Promise<Page> {
    const form = formsOf(this.last.html).find(
      (f) => f.action.endsWith(actionSuffix) && Object.entries(match).every(([k, v]) => f.hidden[k] === v),
    );
    if (!form)
      throw new Error(
        `no form posting to ${actionSuffix} on the last page (status ${this.last.status}):\n${this.last.html.slice(0, 2000)}`,
      );
    return this.postRaw(form.action, { ...form.hidden, ...fields }, options);
  }

  /** Opens the sign-in page (as a browser would, for its CSRF token) and submits it. */
  async signIn(
    username: string,
    password: string,
    options: { basePath?: string; follow?: boolean } = {},
  ): Promise<Page> {
    const basePath = options.basePath ?? '/auth';
    await this.get(`${basePath}/sign-in`);
    return this.submit(`${basePath}/sign-in`, { username, password }, {}, { follow: options.follow });
  }

  hidden(name: string): string | undefined {
    for (const form of formsOf(this.last.html)) if (form.hidden[name] !== undefined) return form.hidden[name];
    return undefined;
  }
}
