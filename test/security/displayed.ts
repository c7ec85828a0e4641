/**
 * Every value an end-user page shows that someone other than Riskgate chooses, with how to get it
 * shown. The admin console adds its entries here (user agents, usernames and notes in its lists).
 */
import { hashPassword } from '../../src/auth/passwordHasher.js';
import { normalizeUsername } from '../../src/auth/username.js';
import { IP } from '../helpers/riskgate.js';
import type { LiveServer } from './harness.js';
import { fresh } from './journeys.js';

export const XSS_PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '</title><script>alert(1)</script>',
];

/** What EJS's <%= %> makes of a value. */
export function escapedLikeEjs(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
}

export interface DisplayedField {
  name: string;
  /** Gets `value` onto a page and returns that page's HTML. */
  show(s: LiveServer, value: string): Promise<string>;
  /** The text the page must contain when it shows the value safely. */
  shownAs(value: string): string;
}

export const DISPLAYED_FIELDS: DisplayedField[] = [
  {
    name: 'username echoed after a failed sign-in (reflected)',
    async show(s, value) {
      return (await s.client(IP.london).signIn(value, 'not the password')).html;
    },
    shownAs: (value) => escapedLikeEjs(value.trim()),
  },
  {
    name: 'returnTo kept in the sign-in form (reflected)',
    async show(s, value) {
      return (await s.client(IP.london).get(`/auth/sign-in?returnTo=${encodeURIComponent(`/${value}`)}`))
        .html;
    },
    shownAs: (value) => escapedLikeEjs(`/${value}`),
  },
  {
    // The built-in directory refuses such names, but an app's own directory or an import may hold them.
    name: 'username from the directory on the signed-in page (stored)',
    async show(s, value) {
      const username = normalizeUsername(value);
      await s.riskgate.store.users.createUser({
        username,
        email: null,
        groups: [],
        roles: [],
        passwordHash: await hashPassword('stored xss pass 1'),
        createdAt: s.clock.now(),
      });
      const client = s.client(IP.london);
      await client.signIn(value, 'stored xss pass 1');
      return (await client.get('/')).html;
    },
    shownAs: (value) => escapedLikeEjs(normalizeUsername(value)),
  },
  {
    // The browser comes from the user agent the client sent; the city from the GeoIP file.
    name: 'browser and city of a session on the account page (stored)',
    async show(s, value) {
      const username = fresh('sessions');
      const user = await s.addUser(username);
      const client = s.client(IP.london);
      await client.signIn(username, user.password);
      const [signIn] = await s.riskgate.store.signIns.recentSignIns(user.id, 1);
      const { context } = signIn!;
      await s.riskgate.store.signIns.recordSignIn({
        ...signIn!,
        context: {
          ...context,
          device: { ...context.device, browser: value },
          geo: { ...context.geo, city: value },
        },
      });
      return (await client.get('/auth/account')).html;
    },
    shownAs: (value) => escapedLikeEjs(value),
  },
];
