/**
 * Ways to bring a fresh browser to each admin console form: an administrator signs in through the real
 * pipeline, passes the console's TOTP step-up with a real code, and opens the page. A risky user (the
 * journey's `target`) gives the user-action and bulk forms something to act on.
 */
import { IP } from '../helpers/riskgate.js';
import { LEAKED, TRAVEL, seedRisk } from '../admin/helpers.js';
import type { LiveServer } from './harness.js';
import { fresh, journey, type Journey } from './journeys.js';

/** Signed in as a new administrator, on the step-up page (no code used yet). */
async function adminStepUp(s: LiveServer): Promise<Journey> {
  const username = fresh('root');
  const admin = await s.addUser(username, { roles: ['admin'] });
  const client = s.client(IP.london);
  await client.signIn(username, admin.password);
  await client.get('/admin/');
  s.clock.advance(30_000); // codes are single-use: the sign-in's step is behind us
  return journey(s, client, admin, username);
}

export async function adminConsole(s: LiveServer, page: (j: Journey) => Promise<string>): Promise<Journey> {
  const j = await adminStepUp(s);
  await j.client.submit('/admin/mfa', { code: j.code() });
  s.clock.advance(30_000);
  await j.client.get(await page(j));
  return j;
}

/** A user with an active detection at high risk: the target of the user actions. */
async function riskyTarget(s: LiveServer): Promise<string> {
  const username = fresh('eve');
  const user = await s.addUser(username);
  await seedRisk({ rg: s }, user.id, username, [TRAVEL, LEAKED]);
  return user.id;
}

export const ADMIN_JOURNEYS = {
  adminStepUp,
  adminTokens: (s: LiveServer) =>
    adminConsole(s, async (j) => {
      const { record } = await s.riskgate.adminServices.tokens.create(fresh('export'), {
        kind: 'user',
        id: j.userId,
        name: j.username,
      });
      j.target = record.id;
      return '/admin/tokens';
    }),
  adminUserAction: (s: LiveServer) =>
    adminConsole(s, async (j) => {
      j.target = await riskyTarget(s);
      return `/admin/users/${j.target}/actions/dismiss-risk`;
    }),
  adminRiskyUsers: (s: LiveServer) =>
    adminConsole(s, async (j) => {
      j.target = await riskyTarget(s);
      return '/admin/users';
    }),
} satisfies Record<string, (s: LiveServer) => Promise<Journey>>;
