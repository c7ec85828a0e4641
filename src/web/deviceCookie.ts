/**
 * A long-lived random device id. It is a familiarity signal (and keeps the owner's device out of
 * lockout), never a credential on its own.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/** The device cookie's name over plain HTTP (development). */
export const DEVICE_COOKIE = 'rg.device';

/**
 * ASVS 3.4.4: like the session cookie, a Secure device cookie is `__Host-` prefixed (host-only, path /),
 * so a sibling subdomain cannot toss a device id of its choosing into a browser and later present that
 * id as a familiar device. Only the prefixed name is read then: a plain `rg.device` could have been
 * tossed. (Browsers that signed in before the prefix are new devices once.)
 */
export function deviceCookieName(secure: boolean): string {
  return secure ? `__Host-${DEVICE_COOKIE}` : DEVICE_COOKIE;
}
const FOUR_HUNDRED_DAYS_MS = 400 * 24 * 60 * 60 * 1000;

/** The first cookie called `name` in the Cookie header (scanned in place: this runs on every page). */
function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header || !header.includes(name)) return null;
  let start = 0;
  while (start <= header.length) {
    const semicolon = header.indexOf(';', start);
    const end = semicolon === -1 ? header.length : semicolon;
    const part = header.slice(start, end).trim();
    const equals = part.indexOf('=');
    if ((equals === -1 ? part : part.slice(0, equals)) === name) {
      try {
        return decodeURIComponent(equals === -1 ? '' : part.slice(equals + 1));
      } catch {
        return null; // broken percent-encoding is no device id, not a server error
      }
    }
    if (semicolon === -1) break;
    start = end + 1;
  }
  return null;
}

export function deviceIdOf(req: Request, secure: boolean): string | null {
  const value = readCookie(req, deviceCookieName(secure));
  return value && /^[A-Za-z0-9_-]{22}$/.test(value) ? value : null;
}

/** The request's device id, issuing a new cookie when it has none. */
export function ensureDeviceId(req: Request, res: Response, secure: boolean): string {
  const existing = deviceIdOf(req, secure);
  if (existing) return existing;
  const id = randomBytes(16).toString('base64url');
  // No Domain attribute: host-only, as the __Host- prefix requires.
  res.cookie(deviceCookieName(secure), id, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: FOUR_HUNDRED_DAYS_MS,
    path: '/',
  });
  return id;
}
