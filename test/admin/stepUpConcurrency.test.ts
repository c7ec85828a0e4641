/**
 * The console's step-up cap under concurrency: each try is taken (one atomic increment) before the
 * code is checked, so wrong codes posted at once never get more checks than the per-user cap. Real
 * counters on every backend (SQLite, PostgreSQL, Redis).
 */
import { expect } from 'chai';
import request from 'supertest';
import { describeOnEveryBackend } from '../helpers/backends.js';
import { TestClient, formsOf } from '../helpers/client.js';
import { IP } from '../helpers/riskgate.js';
import { ADMIN, nextCode } from './helpers.js';

const CAP = 15; // the default mfa.maxFailuresPerUser
const WRONG = 'did not work';
const TOO_MANY = 'Too many wrong codes';

describeOnEveryBackend('admin console: the step-up cap under concurrency', {}, (rg) => {
  it('50 wrong step-up codes posted at once get exactly the per-user cap of checks, and the right code is then refused', async () => {
    const admin = await rg().addUser('root', { roles: ['admin'] });
    const client = new TestClient(rg().app, IP.london);
    await client.signIn('root', admin.password);
    const page = await client.get(`${ADMIN}/`);
    expect(page.html).to.contain('Confirm it is you');
    const form = formsOf(page.html).find((f) => f.action.endsWith(`${ADMIN}/mfa`))!;
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const post = (code: string) =>
      request(rg().app)
        .post(form.action)
        .set('Cookie', cookie)
        .set('X-Forwarded-For', IP.london)
        .type('form')
        .send({ ...form.hidden, code })
        .redirects(0);

    // All fifty go together: a count-then-check cap would let every one of them be checked.
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(String(300000 + i))));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 400)).to.have.length(CAP);
    expect(statuses.filter((s) => s === 429)).to.have.length(50 - CAP);
    expect(answers.filter((a) => a.text.includes(WRONG))).to.have.length(CAP);
    expect(answers.filter((a) => a.text.includes(TOO_MANY))).to.have.length(50 - CAP);

    // The cap holds for the right code too, and the console stays closed.
    const right = await post(nextCode(rg(), admin.totpSecret!));
    expect(right.status).to.equal(429);
    expect((await client.get(`${ADMIN}/`, { follow: false })).location).to.match(/\/admin\/mfa/);
  });

  it('a right code as the last try within the cap opens the console, and starts the count again', async () => {
    const admin = await rg().addUser('root', { roles: ['admin'] });
    const client = new TestClient(rg().app, IP.london);
    await client.signIn('root', admin.password);
    await client.get(`${ADMIN}/`);
    for (let i = 0; i < CAP - 1; i++) {
      expect((await client.submit(`${ADMIN}/mfa`, { code: String(310000 + i) })).html).to.contain(WRONG);
    }
    await client.submit(`${ADMIN}/mfa`, { code: nextCode(rg(), admin.totpSecret!) });
    expect(client.last.html).to.contain('Users at risk');
    const key = `mfa-failures:${admin.id}`;
    expect(await rg().riskgate.store.counters.count(key, rg().clock.now())).to.equal(0);
  });
});
