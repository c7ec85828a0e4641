/**
 * The policy pages of the admin console, through a real admin sign-in with TOTP step-up: edit form
 * (every field labelled), impact preview over stored sign-ins, save with a reason (audited), refusals
 * that keep what was typed, conflicts, CSRF, and the report-only list.
 */
import { expect } from 'chai';
import request from 'supertest';
import { ADMIN, API, api, startAdminFixture, type AdminFixture } from './helpers.js';
import { signInAtHomeThenAbroad } from '../helpers/scenarios.js';
import { TestClient } from '../helpers/client.js';
import { DEFAULT_PASSWORD } from '../helpers/riskgate.js';

/** What a browser would send for the form on `html`: text areas, checked radios, selected options, inputs. */
function formValues(html: string): Record<string, string> {
  const values: Record<string, string> = {};
  const decode = (s: string) =>
    s
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  for (const m of html.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    values[m[1]!] = decode(m[2]!);
  for (const m of html.matchAll(
    /<input[^>]*type="radio"[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*checked/g,
  ))
    values[m[1]!] = m[2]!;
  for (const m of html.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    values[m[1]!] = /<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? '';
  }
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*type="number"[^>]*value="([^"]*)"/g))
    values[m[1]!] = decode(m[2]!);
  return values;
}

describe('admin console: policies', () => {
  let fx: AdminFixture;
  beforeEach(async () => {
    fx = await startAdminFixture();
  });
  afterEach(() => fx.close());

  const openEditor = async () => {
    const page = await fx.console.get(`${ADMIN}/policies`);
    expect(page.status).to.equal(200);
    return formValues(page.html);
  };
  const post = (fields: Record<string, string>) => fx.console.submit(`${ADMIN}/policies`, fields);

  it('the edit form shows the policies in force with a label for every field', async () => {
    const page = await fx.console.get(`${ADMIN}/policies`);
    const ids = [...page.html.matchAll(/<(?:input|select|textarea)[^>]*\bid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).to.be.greaterThan(15);
    for (const id of ids) expect(page.html, id).to.contain(`for="${id}"`);
    // Radios are labelled by wrapping <label>s inside a fieldset with a legend.
    expect(page.html).to.contain('<legend>State</legend>');
    const values = formValues(page.html);
    expect(values).to.include({
      'signInRisk.mode': 'on',
      'signInRisk.mfaAt': 'low',
      'mfaRegistration.graceDays': '14',
    });
    expect(page.html).to.contain('version 1');
  });

  it('preview replays stored sign-ins through the proposal and shows counts and examples, saving nothing', async () => {
    await signInAtHomeThenAbroad(fx.rg, 'alice');
    const values = await openEditor();
    const page = await post({ ...values, 'signInRisk.blockAt': 'medium', days: '7', action: 'preview' });
    expect(page.status).to.equal(200);
    expect(page.html).to.contain('Impact preview: last 7 days');
    expect(page.html).to.match(/Replayed <strong>\d+<\/strong> sign-ins of <strong>\d+<\/strong> users/);
    expect(page.html).to.contain('block (signInRisk)');
    expect(page.html).to.contain('alice');
    // What the admin typed is still in the form.
    expect(formValues(page.html)['signInRisk.blockAt']).to.equal('medium');
    expect((await fx.rg.riskgate.policies.current()).version).to.equal(1);
  });

  it('saving with a reason stores a new version with who and why, and audits it', async () => {
    const values = await openEditor();
    const page = await post({
      ...values,
      'userRisk.excludeUsers': 'svc-backup\nsvc-ci',
      reason: 'service accounts',
      action: 'save',
    });
    expect(page.status).to.equal(200);
    expect(page.html).to.contain('Saved as version 2');
    const current = await fx.rg.riskgate.policies.current();
    expect(current.policies.userRisk.scope.excludeUsers).to.deep.equal(['svc-backup', 'svc-ci']);
    expect(current.changedBy).to.deep.equal({ id: fx.admin.id, name: 'root' });
    const audit = await api(fx).get('/audit?action=policy.update');
    expect(audit.body.entries[0]).to.deep.include({ reason: 'service accounts', result: 'ok' });
  });

  it('a save without a reason, or with a grace period over 30 days, is refused and keeps every typed value', async () => {
    const values = await openEditor();
    const typed = { ...values, 'signInRisk.excludeGroups': 'break-glass', 'mfaRegistration.graceDays': '31' };
    const page = await post({ ...typed, reason: 'longer grace', action: 'save' });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('mfaRegistration.graceDays');
    expect(formValues(page.html)).to.include({
      'signInRisk.excludeGroups': 'break-glass',
      'mfaRegistration.graceDays': '31',
      reason: 'longer grace',
    });
    const noReason = await post({ ...values, reason: '', action: 'save' });
    expect(noReason.status).to.equal(400);
    expect(noReason.html).to.contain('reason');
    expect((await fx.rg.riskgate.policies.current()).version).to.equal(1);
  });

  it('a save over a version saved meanwhile by someone else is a conflict that keeps the admin’s edits', async () => {
    const values = await openEditor();
    const current = await fx.rg.riskgate.policies.current();
    const other = await request(fx.rg.app)
      .put(`${API}/policies`)
      .set('Authorization', `Bearer ${fx.token}`)
      .send({ version: 1, policies: current.policies, reason: 'from a script' });
    expect(other.status).to.equal(200);
    const page = await post({ ...values, 'signInRisk.mfaAt': 'low', reason: 'stricter', action: 'save' });
    expect(page.status).to.equal(409);
    expect(page.html).to.contain('since you loaded version 1');
    expect(formValues(page.html)['signInRisk.mfaAt']).to.equal('low');
    expect((await fx.rg.riskgate.policies.current()).version).to.equal(2);
    // Saving again, knowingly, replaces version 2.
    const again = await post({ ...formValues(page.html), action: 'save' });
    expect(again.status).to.equal(200);
    expect((await fx.rg.riskgate.policies.current()).policies.signInRisk.mfaAt).to.equal('low');
  });

  it('a post without the CSRF token changes nothing', async () => {
    const values = await openEditor();
    const page = await fx.console.postRaw(`${ADMIN}/policies`, {
      ...values,
      version: '1',
      reason: 'x y z',
      action: 'save',
    });
    expect(page.status).to.equal(403);
    expect((await fx.rg.riskgate.policies.current()).version).to.equal(1);
  });

  it('an unknown action or a bad number of days re-renders the form with a message', async () => {
    const values = await openEditor();
    const bad = await post({ ...values, action: 'delete' });
    expect(bad.status).to.equal(400);
    const days = await post({ ...values, days: '365', action: 'preview' });
    expect(days.status).to.equal(400);
    expect(days.html).to.contain('at most 90 days');
  });

  it('report-only results list what a report-only policy would have done, filtered by policy', async () => {
    const values = await openEditor();
    await post({ ...values, 'signInRisk.mode': 'reportOnly', reason: 'trial run first', action: 'save' });
    await signInAtHomeThenAbroad(fx.rg, 'alice');
    const page = await fx.console.get(`${ADMIN}/policies/report-only?policy=signInRisk`);
    expect(page.status).to.equal(200);
    expect(page.html).to.contain('alice');
    expect(page.html).to.contain('signInRisk: requireMfa');
    const none = await fx.console.get(`${ADMIN}/policies/report-only?policy=userRisk`);
    expect(none.html).to.contain('No report-only results match');
    const bad = await fx.console.get(`${ADMIN}/policies/report-only?policy=everything`);
    expect(bad.status).to.equal(400);
  });

  it('an ordinary signed-in user cannot open the policy pages', async () => {
    await fx.rg.addUser('mallory');
    const client = new TestClient(fx.rg.app);
    await client.signIn('mallory', DEFAULT_PASSWORD);
    const page = await client.get(`${ADMIN}/policies`);
    expect(page.status).to.be.oneOf([403, 404]);
    expect(page.html).to.not.contain('Sign-in risk policy');
  });
});
