/**
 * Ways to bring a fresh browser (a TestClient on a live server) to each end-user page, the way a person
 * gets there: sign in at home, sign in from abroad, sign in with a leaked password, and so on. The route
 * tables, the fuzzer and the step-skipping tests all start from these.
 */
import { generateSync } from 'otplib';
import type { RiskgateOptions } from '../../src/riskgate.js';
import { IP, MINUTE } from '../helpers/riskgate.js';
import type { TestClient } from '../helpers/client.js';
import type { LiveServer } from './harness.js';
import { ADMIN_JOURNEYS } from './adminJourneys.js';
import { latestMatch } from './outbox.js';

export const BREACHED_PASSWORD = 'password123';
export const NEW_PASSWORD = 'copper lighthouse meadow 58';

/** Servers the journeys need: registration journeys need the MFA registration policy switched on. */
export const SERVER_OPTIONS = {
  default: {},
  registration: { policies: { mfaRegistration: { mode: 'on', graceDays: 14 } } },
  /** A user without an authenticator may register after a code mailed to them (mails: the outbox folder). */
  emailCode: { policies: { unregisteredUsers: 'registerWithEmailCode' } },
} satisfies Record<string, RiskgateOptions>;
export type ServerKind = keyof typeof SERVER_OPTIONS;

export interface Journey {
  client: TestClient;
  username: string;
  password: string;
  userId: string;
  totpSecret: string | null;
  /** A TOTP code for this journey's secret at the server's clock. */
  code(): string;
  /** The id a route's `:target` path segment stands for (admin journeys: a user or a token; a mail link's token). */
  target?: string;
  /** Values a form on the journey's page shows pre-filled (the policy form), sent as shown. */
  fields?: Record<string, string>;
}

export type JourneyFn = (s: LiveServer) => Promise<Journey>;

let made = 0;
/** Journeys may run many times on one server (the fuzzer restarts a flow it finished): new names each time. */
export function fresh(name: string): string {
  made += 1;
  return `${name}${made}`;
}

export function journey(
  s: LiveServer,
  client: TestClient,
  user: { id: string; password: string; totpSecret: string | null },
  username: string,
): Journey {
  return {
    client,
    username,
    password: user.password,
    userId: user.id,
    totpSecret: user.totpSecret,
    code() {
      return generateSync({ secret: this.totpSecret!, epoch: Math.floor(s.clock.now() / 1000) });
    },
  };
}

async function signInPage(s: LiveServer): Promise<Journey> {
  const username = fresh('alice');
  const user = await s.addUser(username);
  const client = s.client(IP.london);
  await client.get('/auth/sign-in');
  return journey(s, client, user, username);
}

async function signedIn(s: LiveServer): Promise<Journey> {
  const j = await signInPage(s);
  await j.client.submit('/auth/sign-in', { username: j.username, password: j.password });
  return j;
}

/** Signed in at home (London becomes familiar), then an hour later from Tokyo: the risky notice. */
async function riskyNotice(s: LiveServer): Promise<Journey> {
  const username = fresh('alice');
  const user = await s.addUser(username);
  await s.client(IP.london).signIn(username, user.password);
  s.clock.advance(60 * MINUTE);
  const away = s.client(IP.tokyo);
  await away.signIn(username, user.password);
  return journey(s, away, user, username);
}

async function riskyMfa(s: LiveServer): Promise<Journey> {
  const j = await riskyNotice(s);
  await j.client.submit('/auth/flow/notice', {}, { action: 'continue' });
  return j;
}

/** A password in the breached list: user risk high, the compromised account notice. */
async function compromisedNotice(s: LiveServer): Promise<Journey> {
  const username = fresh('bob');
  const user = await s.addUser(username, { password: BREACHED_PASSWORD });
  const client = s.client(IP.london);
  await client.signIn(username, BREACHED_PASSWORD);
  return journey(s, client, user, username);
}

async function compromisedMfa(s: LiveServer): Promise<Journey> {
  const j = await compromisedNotice(s);
  await j.client.submit('/auth/flow/notice', {}, { action: 'continue' });
  return j;
}

async function compromisedChangePassword(s: LiveServer): Promise<Journey> {
  const j = await compromisedMfa(s);
  await j.client.submit('/auth/flow/mfa', { code: j.code() });
  return j;
}

/** An admin issued a temporary password: the next sign-in must choose a new one. */
async function temporaryChangePassword(s: LiveServer): Promise<Journey> {
  const username = fresh('dave');
  const user = await s.addUser(username, { mfa: false });
  const temporary = await s.riskgate.remediation.issueTemporaryPassword(user.id);
  const client = s.client(IP.london);
  await client.signIn(username, temporary);
  return journey(s, client, { ...user, password: temporary }, username);
}

/** Needs the `registration` server: a user without MFA is asked to register (skippable for 14 days). */
async function registerIntro(s: LiveServer): Promise<Journey> {
  const username = fresh('carol');
  const user = await s.addUser(username, { mfa: false });
  const client = s.client(IP.london);
  await client.signIn(username, user.password);
  return journey(s, client, user, username);
}

export function manualKeyOf(html: string): string {
  return /id="manual-key"[^>]*>([^<]+)</.exec(html)![1]!.replace(/\s/g, '');
}

async function registerVerify(s: LiveServer): Promise<Journey> {
  const j = await registerIntro(s);
  const scan = await j.client.submit('/auth/flow/register', {}, { action: 'start' });
  j.totpSecret = manualKeyOf(scan.html);
  return j;
}

async function recoveryCodes(s: LiveServer): Promise<Journey> {
  const j = await registerVerify(s);
  await j.client.submit('/auth/flow/register-verify', { code: j.code() });
  return j;
}

const OWNER_EMAIL = (username: string) => `${username}@example.com`;

/**
 * A user without an authenticator signs in at home, then from Tokyo: MFA is needed and the
 * `emailCode` server offers the email-code step (nothing mailed yet).
 */
async function emailCodeSend(s: LiveServer): Promise<Journey> {
  const username = fresh('bob');
  const user = await s.addUser(username, { mfa: false, email: OWNER_EMAIL(username) });
  await s.client(IP.london).signIn(username, user.password);
  s.clock.advance(60 * MINUTE);
  const away = s.client(IP.tokyo);
  await away.signIn(username, user.password);
  return journey(s, away, user, username);
}

/** The code asked for and read from the mail; `code()` gives it. */
async function emailCodeVerify(s: LiveServer): Promise<Journey> {
  const j = await emailCodeSend(s);
  await j.client.submit('/auth/flow/email-code', {}, { action: 'send' });
  const mailed = await latestMatch(s, OWNER_EMAIL(j.username), /\b(\d{6})\b/);
  j.code = () => mailed;
  return j;
}

/**
 * The "This wasn't me" link: a risky sign-in from Tokyo passes MFA, the owner gets the unfamiliar
 * sign-in mail, and opens its link at home (a new browser). `target` is the link's token.
 */
async function notMeLink(s: LiveServer): Promise<Journey> {
  const username = fresh('alice');
  const user = await s.addUser(username, { email: OWNER_EMAIL(username) });
  await s.client(IP.london).signIn(username, user.password);
  s.clock.advance(60 * MINUTE);
  const away = s.client(IP.tokyo);
  await away.signIn(username, user.password);
  await away.submit('/auth/flow/notice', {}, { action: 'continue' });
  const j = journey(s, away, user, username);
  await away.submit('/auth/flow/mfa', { code: j.code() });
  const token = await latestMatch(s, OWNER_EMAIL(username), /\/auth\/not-me\/([^\s"<>]+)/);
  const home = s.client(IP.london);
  await home.get(`/auth/not-me/${token}`);
  return { ...j, client: home, target: token };
}

/** Signed in (London, familiar), on the account's password change page. */
async function accountPassword(s: LiveServer): Promise<Journey> {
  const j = await signedIn(s);
  await j.client.get('/auth/account/password');
  return j;
}

/** Signed in from two browsers; this one on the account page (its session list has two rows). */
async function accountPage(s: LiveServer): Promise<Journey> {
  const j = await signInPage(s);
  await s.client(IP.londonNeighbour).signIn(j.username, j.password);
  await j.client.submit('/auth/sign-in', { username: j.username, password: j.password });
  await j.client.get('/auth/account');
  return j;
}

/** A client address of its own per journey: the reset link limits count per address. */
function someAddress(): string {
  made += 1;
  return `10.${(made >> 16) & 255}.${(made >> 8) & 255}.${made & 255}`;
}

/** A user with an address exists; this browser is on the "Forgot your password?" page. */
async function forgotPasswordPage(s: LiveServer): Promise<Journey> {
  const username = fresh('erin');
  const user = await s.addUser(username, { email: OWNER_EMAIL(username) });
  const client = s.client(someAddress());
  await client.get('/auth/forgot-password');
  return journey(s, client, user, username);
}

/** The link was asked for and read from the mail; a new browser opens it. `target` is its token. */
async function resetLink(s: LiveServer, mfa: boolean): Promise<Journey> {
  const username = fresh('erin');
  const user = await s.addUser(username, { email: OWNER_EMAIL(username), mfa });
  const asker = s.client(someAddress());
  await asker.get('/auth/forgot-password');
  await asker.submit('/auth/forgot-password', { username });
  const token = await latestMatch(s, OWNER_EMAIL(username), /\/auth\/reset\/([A-Za-z0-9_-]{43})/);
  const client = s.client(someAddress());
  await client.get(`/auth/reset/${token}`);
  return { ...journey(s, client, user, username), target: token };
}

/** A user with an authenticator: the link asks for a code first. */
const resetLinkCode = (s: LiveServer) => resetLink(s, true);
/** A user without one: the link goes straight to the new password. */
const resetLinkPassword = (s: LiveServer) => resetLink(s, false);

const END_USER_JOURNEYS = {
  forgotPasswordPage,
  resetLinkCode,
  resetLinkPassword,
  signInPage,
  signedIn,
  accountPassword,
  accountPage,
  riskyNotice,
  riskyMfa,
  compromisedNotice,
  compromisedMfa,
  compromisedChangePassword,
  temporaryChangePassword,
  registerIntro,
  registerVerify,
  recoveryCodes,
  emailCodeSend,
  emailCodeVerify,
  notMeLink,
} satisfies Record<string, (s: LiveServer) => Promise<Journey>>;

export const JOURNEYS = { ...END_USER_JOURNEYS, ...ADMIN_JOURNEYS };
export type JourneyName = keyof typeof JOURNEYS;

/** A route table's journey: a named one, or one made for the row (an admin action on its own target). */
export function startJourney(how: JourneyName | JourneyFn, s: LiveServer): Promise<Journey> {
  return typeof how === 'function' ? how(s) : JOURNEYS[how](s);
}
