/**
 * Values the admin console shows that someone other than the administrator chose: a username, the
 * browser parsed from the user agent, the GeoIP city, a detection's reason and an audit reason. Each reaches its page
 * through a console session past the TOTP step-up (stored XSS against the administrator).
 */
import { hashPassword } from '../../src/auth/passwordHasher.js';
import { normalizeUsername } from '../../src/auth/username.js';
import { TRAVEL, seedRisk, signInRecord } from '../admin/helpers.js';
import { adminConsole } from './adminJourneys.js';
import { escapedLikeEjs, type DisplayedField } from './displayed.js';
import { fresh } from './journeys.js';
import type { LiveServer } from './harness.js';

const onPage = (s: LiveServer, page: string) => adminConsole(s, page);

/** A sign-in stored with `change` applied to the usual test record, listed on its admin page. */
async function storedSignIn(s: LiveServer, change: (r: ReturnType<typeof signInRecord>) => void) {
  const username = fresh('eve');
  const user = await s.addUser(username);
  const record = signInRecord(`si-${fresh('x')}`, user.id, username, s.clock.now(), 'medium');
  change(record);
  await s.riskgate.store.signIns.recordSignIn(record);
  return record.id;
}

export const ADMIN_DISPLAYED_FIELDS: DisplayedField[] = [
  {
    name: 'admin: username in the risky users list (stored)',
    async show(s, value) {
      const username = normalizeUsername(value);
      const user = await s.riskgate.store.users.createUser({
        username,
        email: null,
        groups: [],
        roles: [],
        passwordHash: await hashPassword('stored xss pass 1'),
        createdAt: s.clock.now(),
      });
      await seedRisk({ rg: s }, user.id, username, [TRAVEL]);
      return (await onPage(s, '/admin/users')).client.last.html;
    },
    shownAs: (value) => escapedLikeEjs(normalizeUsername(value)),
  },
  {
    // The page shows the browser parsed from the user agent, which the client chooses; the raw
    // user agent is not displayed.
    name: 'admin: browser parsed from the user agent, on the sign-in page (stored)',
    async show(s, value) {
      const id = await storedSignIn(s, (r) => {
        r.context.device = { ...r.context.device, browser: value };
      });
      return (await onPage(s, `/admin/sign-ins/${id}`)).client.last.html;
    },
    shownAs: (value) => escapedLikeEjs(value),
  },
  {
    name: 'admin: GeoIP city on the sign-in page (stored, from the GeoIP file)',
    async show(s, value) {
      const id = await storedSignIn(s, (r) => {
        r.context.geo = { ...r.context.geo!, city: value };
      });
      return (await onPage(s, `/admin/sign-ins/${id}`)).client.last.html;
    },
    shownAs: (value) => escapedLikeEjs(value),
  },
  {
    name: 'admin: detection reason on the user page (stored, from a detector plug-in)',
    async show(s, value) {
      const username = fresh('eve');
      const user = await s.addUser(username);
      await seedRisk({ rg: s }, user.id, username, [{ ...TRAVEL, reason: value }]);
      return (await onPage(s, `/admin/users/${user.id}`)).client.last.html;
    },
    shownAs: (value) => escapedLikeEjs(value),
  },
  {
    name: 'admin: audit reason in the audit log (stored, typed by another administrator)',
    async show(s, value) {
      const username = fresh('eve');
      const user = await s.addUser(username);
      await seedRisk({ rg: s }, user.id, username, [TRAVEL]);
      const j = await onPage(s, `/admin/users/${user.id}/actions/dismiss-risk`);
      await j.client.submit(`/admin/users/${user.id}/actions/dismiss-risk`, { reason: `x ${value}` });
      return (await j.client.get('/admin/audit')).html;
    },
    shownAs: (value) => escapedLikeEjs(`x ${value}`),
  },
];
