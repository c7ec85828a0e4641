/** Admin test helpers: a Riskgate with an admin, signed in through the real pipeline and MFA step-up. */
import request from 'supertest';
import { expect } from 'chai';
import { TestClient } from '../helpers/client.js';
import { startRiskgate, type TestRiskgate } from '../helpers/riskgate.js';
import type { RiskgateOptions } from '../../src/riskgate.js';
import type { DetectionDraft } from '../../src/domain/risk.js';
export { signInRecord } from './records.js';
import { signInRecord } from './records.js';
import { RiskService } from '../../src/remediation/riskService.js';

export const ADMIN = '/admin';
export const API = '/admin/api/v1';

export interface AdminFixture {
  rg: TestRiskgate;
  admin: { id: string; password: string; totpSecret: string | null };
  /** A browser signed in as the admin, past the console's MFA step-up. */
  console: TestClient;
  /** A live API token created by the admin. */
  token: string;
  close(): Promise<void>;
}

/** A fresh TOTP code: each call moves to a later step (codes are single-use). */
export function nextCode(rg: TestRiskgate, secret: string): string {
  rg.clock.advance(30_000);
  return rg.totp(secret);
}

export async function signInAdmin(rg: TestRiskgate, username: string, password: string, secret: string) {
  const client = new TestClient(rg.app);
  await client.signIn(username, password);
  const page = await client.get(`${ADMIN}/`);
  expect(page.html).to.contain('Confirm it is you');
  await client.submit(`${ADMIN}/mfa`, { code: nextCode(rg, secret) });
  expect(client.last.status, client.last.html.slice(0, 500)).to.equal(200);
  return client;
}

/** An admin with an authenticator, signed in past the step-up, and an API token, on a running Riskgate. */
export async function adminFixtureOn(rg: TestRiskgate): Promise<Omit<AdminFixture, 'close'>> {
  const admin = await rg.addUser('root', { roles: ['admin'] });
  const console = await signInAdmin(rg, 'root', admin.password, admin.totpSecret!);
  const { token } = await rg.riskgate.adminServices.tokens.create('tests', {
    kind: 'user',
    id: admin.id,
    name: 'root',
  });
  return { rg, admin, console, token };
}

export async function startAdminFixture(options: RiskgateOptions = {}): Promise<AdminFixture> {
  const rg = await startRiskgate(options);
  return { ...(await adminFixtureOn(rg)), close: () => rg.close() };
}

export function api(fixture: Pick<AdminFixture, 'rg' | 'token'>) {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${fixture.token}`);
  return {
    get: (path: string) => auth(request(fixture.rg.app).get(`${API}${path}`)),
    post: (path: string, body: object = {}) => auth(request(fixture.rg.app).post(`${API}${path}`).send(body)),
  };
}

export const TRAVEL: DetectionDraft = {
  type: 'impossibleTravel',
  level: 'medium',
  timing: 'realtime',
  scope: 'signIn',
  reason: 'London to Sydney in 30 minutes',
};
export const LEAKED: DetectionDraft = {
  type: 'leakedCredentials',
  level: 'high',
  timing: 'offline',
  scope: 'user',
  reason: 'password found in a breach corpus',
};

/** Gives a user a risky sign-in with `drafts` through the real RiskService (risk level, history). */
export async function seedRisk(
  fx: Pick<AdminFixture, 'rg'>,
  userId: string,
  username: string,
  drafts: DetectionDraft[] = [TRAVEL],
  signInId = `si-${Math.random().toString(36).slice(2)}`,
) {
  const { store } = fx.rg.riskgate;
  const now = fx.rg.clock.now();
  const level = drafts.some((d) => d.level === 'high') ? 'high' : 'medium';
  await store.signIns.recordSignIn(signInRecord(signInId, userId, username, now, level));
  await new RiskService(store).addDetections(userId, signInId, drafts, now);
  return { signInId, detections: await store.detections.detectionsForSignIn(signInId) };
}
