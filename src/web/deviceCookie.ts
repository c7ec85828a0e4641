/**
 * A long-lived random device id. It is a familiarity signal (and keeps the owner's device out of
 * lockout), never a credential on its own.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

export const DEVICE_COOKIE = 'rg.device';
const FOUR_HUNDRED_DAYS_MS = 400 * 24 * 60 * 60 * 1000;

function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return null; // broken percent-encoding is no device id, not a server error
    }
  }
  return null;
}

export function deviceIdOf(req: Request): string | null {
  const value = readCookie(req, DEVICE_COOKIE);
  return value && /^[A-Za-z0-9_-]{22}$/.test(value) ? value : null;
}

/** The request's device id, issuing a new cookie when it has none. */
export function ensureDeviceId(req: Request, res: Response, secure: boolean): string {
  const existing = deviceIdOf(req);
  if (existing) return existing;
  const id = randomBytes(16).toString('base64url');
  res.cookie(DEVICE_COOKIE, id, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: FOUR_HUNDRED_DAYS_MS,
    path: '/',
  });
  return id;
}
