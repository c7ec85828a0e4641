/**
 * Ways to bring a fresh browser to each admin console form: an administrator signs in through the real
 * pipeline, passes the console's TOTP step-up with a real code, and opens the page. The journey's
 * `target` is what the form acts on (a user, a sign-in, a detection, an API token), made beforehand in
 * the state the action needs (a blocked user to unblock, a closed detection to reactivate).
 */
import { IP } from '../helpers/riskgate.js';
import { LEAKED, TRAVEL, seedRisk } from '../admin/helpers.js';
import { formFromPolicies } from '../../src/admin/policies/form.js';
import type { ActorRef } from '../../src/storage/adminTypes.js';
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

const actorOf = (j: Journey): ActorRef => ({ kind: 'user', id: j.userId, name: j.username });

/** Past the step-up; `prepare` makes the target (if any) and `page` (`:target` allowed) is opened. */
export async function adminConsole(
  s: LiveServer,
  page: string,
  prepare?: (s: LiveServer, j: Journey) => Promise<string>,
): Promise<Journey> {
  const j = await adminStepUp(s);
  await j.client.submit('/admin/mfa', { code: j.code() });
  s.clock.advance(30_000);
  if (prepare) j.target = await prepare(s, j);
  await j.client.get(j.target === undefined ? page : page.replace(':target', encodeURIComponent(j.target)));
  return j;
}

/** What an admin action can act on, each made in the state its action needs. */
export const ADMIN_TARGETS = {
  /** A user with active detections at high risk. */
  riskyUser: async (s: LiveServer): Promise<string> => {
    const username = fresh('eve');
    const user = await s.addUser(username);
    await seedRisk({ rg: s }, user.id, username, [TRAVEL, LEAKED]);
    return user.id;
  },
  blockedUser: async (s: LiveServer, j: Journey): Promise<string> => {
    const id = await ADMIN_TARGETS.riskyUser(s);
    await s.riskgate.adminServices.actions.block(actorOf(j), id, 'set up for the test');
    return id;
  },
  riskySignIn: async (s: LiveServer): Promise<string> => {
    const username = fresh('eve');
    const user = await s.addUser(username);
    return (await seedRisk({ rg: s }, user.id, username, [TRAVEL, LEAKED])).signInId;
  },
  activeDetection: async (s: LiveServer): Promise<string> => {
    const username = fresh('eve');
    const user = await s.addUser(username);
    return (await seedRisk({ rg: s }, user.id, username, [TRAVEL])).detections[0]!.id;
  },
  closedDetection: async (s: LiveServer, j: Journey): Promise<string> => {
    const id = await ADMIN_TARGETS.activeDetection(s);
    await s.riskgate.adminServices.actions.closeDetection(actorOf(j), id, 'ignored', 'set up for the test');
    return id;
  },
  /** A live API token of the admin's. */
  apiToken: async (s: LiveServer, j: Journey): Promise<string> =>
    (await s.riskgate.adminServices.tokens.create(fresh('export'), actorOf(j))).record.id,
} satisfies Record<string, (s: LiveServer, j: Journey) => Promise<string>>;
export type AdminTarget = keyof typeof ADMIN_TARGETS;

/** A journey to an admin console page about a target made by ADMIN_TARGETS[target]. */
export const adminJourneyTo =
  (page: string, target: AdminTarget) =>
  (s: LiveServer): Promise<Journey> =>
    adminConsole(s, page, ADMIN_TARGETS[target]);

export const ADMIN_JOURNEYS = {
  adminStepUp,
  adminTokens: adminJourneyTo('/admin/tokens', 'apiToken'),
  adminRiskyUsers: adminJourneyTo('/admin/users', 'riskyUser'),
  /** The policy edit form; `fields` holds what it shows (the policies in force), as the browser sends it. */
  adminPolicies: async (s: LiveServer): Promise<Journey> => {
    const j = await adminConsole(s, '/admin/policies');
    const { policies } = await s.riskgate.policies.current();
    j.fields = formFromPolicies(policies) as Record<string, string>;
    return j;
  },
} satisfies Record<string, (s: LiveServer) => Promise<Journey>>;
