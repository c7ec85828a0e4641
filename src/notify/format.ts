/** How mails show times, places and devices: plain words, UTC, nothing an attacker could use. */
import type { SignInContext } from '../domain/signIn.js';
import { countryName } from '../signals/countries.js';

const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

export function formatTime(at: number): string {
  return `${DATE.format(new Date(at))} UTC`;
}

export function formatPlace(context: SignInContext): string {
  const { city, country } = context.geo;
  const place = [city, country ? countryName(country) : null].filter(Boolean).join(', ');
  return place || 'an unknown location';
}

export function formatDevice(context: SignInContext): string {
  const { browser, os } = context.device;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? 'an unknown browser';
}
