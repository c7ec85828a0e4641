/**
 * Work done before each measurement, outside the measured window: a fresh Riskgate session and CSRF
 * token per sign-in (GET of the sign-in page, as a browser does), and signed-in session cookies for
 * the protected-page runs. Every request comes from one familiar place: the same home IP (forwarded
 * by loopback, which Riskgate trusts here), the same browser, and each user's own device cookie.
 */
import http from 'node:http';
import { BASELINE_COOKIE } from './baseline.js';
import { sessionCookieName } from '../../src/web/session.js';
import { deviceCookieName } from '../../src/web/deviceCookie.js';

/** London in the bundled DB-IP database: a real location, the same for every sign-in. */
export const HOME_IP = '81.2.69.142';
export const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
// The bench server runs over plain HTTP (cookieSecure false in server.ts): the unprefixed names.
const RISKGATE_COOKIE = sessionCookieName(false);
const DEVICE_COOKIE = deviceCookieName(false);

export interface BenchUser {
  username: string;
  password: string;
  /** The user's own device cookie (22 base64url characters, as Riskgate issues them). */
  device: string;
}

/** One complete request for autocannon: everything but the method and path. */
export interface PreparedRequest {
  headers: Record<string, string>;
  body?: string;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

export function destroyAgent(): void {
  agent.destroy();
}

export function browserHeaders(cookie: string | null): Record<string, string> {
  return {
    'User-Agent': USER_AGENT,
    Accept: 'text/html',
    'X-Forwarded-For': HOME_IP,
    ...(cookie ? { Cookie: cookie } : {}),
  };
}

function send(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
  attempt = 0,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers, timeout: 30_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed (idle timeout) just as it was reused: nothing reached
      // the server, so send again on a fresh socket, as Node's http docs advise for reusedSocket.
      if (req.reusedSocket && error.code === 'ECONNRESET' && attempt === 0)
        return void send(port, method, path, headers, body, 1).then(resolve, reject);
      reject(error);
    });
    req.end(body);
  });
}

function cookieValue(answer: Answer, name: string): string | null {
  for (const line of answer.headers['set-cookie'] ?? []) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    if (pair!.slice(0, at).trim() === name) return pair!.slice(at + 1);
  }
  return null;
}

function decodeHtml(text: string): string {
  return text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function formRequest(cookie: string | null, fields: Record<string, string>): PreparedRequest {
  return {
    headers: { ...browserHeaders(cookie), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

/** A Riskgate sign-in POST ready to send: fresh session cookie and its CSRF token, from a real GET. */
export async function prepareRiskgateSignIn(port: number, user: BenchUser): Promise<PreparedRequest> {
  const deviceCookie = `${DEVICE_COOKIE}=${user.device}`;
  const page = await send(port, 'GET', '/auth/sign-in', browserHeaders(deviceCookie));
  const sid = cookieValue(page, RISKGATE_COOKIE);
  const token = /name="_csrf" value="([^"]*)"/.exec(page.body)?.[1];
  if (page.status !== 200 || !sid || !token)
    throw new Error(`GET /auth/sign-in answered ${page.status} without a session cookie and CSRF token`);
  return formRequest(`${RISKGATE_COOKIE}=${sid}; ${deviceCookie}`, {
    _csrf: decodeHtml(token),
    username: user.username,
    password: user.password,
  });
}

/** The baseline has no CSRF token: its sign-in is the bare form post, same headers otherwise. */
export function baselineSignIn(user: BenchUser): PreparedRequest {
  return formRequest(`${DEVICE_COOKIE}=${user.device}`, { username: user.username, password: user.password });
}

/** Signs `user` in for real and returns the session cookie header of the signed-in session. */
export async function signedInCookie(
  port: number,
  kind: 'baseline' | 'riskgate',
  user: BenchUser,
): Promise<string> {
  const prepared = kind === 'riskgate' ? await prepareRiskgateSignIn(port, user) : baselineSignIn(user);
  const path = kind === 'riskgate' ? '/auth/sign-in' : '/sign-in';
  const answer = await send(port, 'POST', path, prepared.headers, prepared.body);
  const name = kind === 'riskgate' ? RISKGATE_COOKIE : BASELINE_COOKIE;
  const sid = cookieValue(answer, name);
  if (answer.status !== 303 || answer.headers.location !== '/' || !sid)
    throw new Error(
      `${kind} sign-in of ${user.username} answered ${answer.status} ${answer.body.slice(0, 200)}`,
    );
  return `${name}=${sid}; ${DEVICE_COOKIE}=${user.device}`;
}

/** Runs `make(i)` for i < count, at most `concurrency` at a time, keeping the order. */
export async function prepareMany<T>(
  count: number,
  concurrency: number,
  make: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await make(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
