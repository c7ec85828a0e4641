import { expect } from 'chai';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';

describe('bad input', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate();
  });
  afterEach(() => rg.close());

  async function signInPage() {
    const user = await rg.addUser('alice');
    const client = new TestClient(rg.app, IP.london);
    await client.get('/auth/sign-in');
    return { user, client, csrf: client.hidden('_csrf')! };
  }

  const cases: [
    string,
    (csrf: string, password: string) => string | Record<string, string | string[]>,
    RegExp,
  ][] = [
    ['a missing username', (csrf, password) => ({ _csrf: csrf, password }), /Enter your username/],
    ['a missing password', (csrf) => ({ _csrf: csrf, username: 'alice' }), /Enter your password/],
    [
      'a repeated username',
      (csrf, password) =>
        `_csrf=${encodeURIComponent(csrf)}&username=alice&username=bob&password=${encodeURIComponent(password)}`,
      /only once/,
    ],
    [
      'array-style fields',
      (csrf, password) =>
        `_csrf=${encodeURIComponent(csrf)}&username[]=alice&username[]=bob&password=${encodeURIComponent(password)}`,
      /Enter your username/,
    ],
    [
      'a 1 MB body',
      (csrf, password) => ({ _csrf: csrf, username: 'a'.repeat(1024 * 1024), password }),
      /too large/,
    ],
    [
      'a too long username',
      (csrf, password) => ({ _csrf: csrf, username: 'a'.repeat(300), password }),
      /too long/,
    ],
    [
      'a too long password',
      (csrf) => ({ _csrf: csrf, username: 'alice', password: 'p'.repeat(2000) }),
      /too long/,
    ],
    [
      'a control character in the username',
      (csrf, password) => ({ _csrf: csrf, username: 'ali\u0000ce', password }),
      /characters that cannot be used/,
    ],
  ];

  for (const [name, body, message] of cases) {
    it(`sign-in with ${name} re-renders the form with a 400 and records nothing`, async () => {
      const { user, client, csrf } = await signInPage();
      const page = await client.postRaw('/auth/sign-in', body(csrf, user.password));
      expect(page.status).to.equal(400);
      expect(page.html).to.match(message);
      expect(page.html).to.contain('name="username"');
      expect(await rg.riskgate.store.signIns.recentSignIns(user.id, 5)).to.have.length(0);
    });
  }

  it('broken percent-encoding is kept literally: an ordinary failed sign-in, not an error', async () => {
    const { user, client, csrf } = await signInPage();
    const page = await client.postRaw(
      '/auth/sign-in',
      `_csrf=${encodeURIComponent(csrf)}&username=%E0%A4%A&password=${encodeURIComponent(user.password)}`,
    );
    expect(page.status).to.equal(401);
    expect(page.html).to.contain('username or password is incorrect');
  });

  it('a flow step with a 1 MB body re-renders the step with a 400 and changes nothing', async () => {
    const user = await rg.addUser('bob', { password: 'password123' });
    const client = new TestClient(rg.app, IP.london);
    await client.signIn('bob', 'password123');
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    const page = await client.submit('/auth/flow/mfa', { code: '1'.repeat(1024 * 1024) });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('name="code"');
    const right = await client.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    expect(right.html).to.contain('name="newPassword"');
  });

  it('flow fields that are missing, repeated or wrong re-render the step with a 400', async () => {
    const user = await rg.addUser('bob', { password: 'password123' });
    const client = new TestClient(rg.app, IP.london);
    await client.signIn('bob', 'password123');
    const csrf = client.hidden('_csrf')!;
    const v = client.hidden('v')!;
    const bodies: Record<string, string | string[]>[] = [
      { _csrf: csrf, v },
      { _csrf: csrf, v, action: 'explode' },
      { _csrf: csrf, v, action: ['continue', 'notMe'] },
    ];
    for (const body of bodies) {
      const page = await client.postRaw('/auth/flow/notice', body);
      expect(page.status, JSON.stringify(body)).to.equal(400);
      expect(page.html).to.match(/Choose one of the buttons|only once/);
    }
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('high');
  });

  it('an unknown page under the base path is a 404 page, not an error', async () => {
    const client = new TestClient(rg.app, IP.london);
    const page = await client.get('/auth/nothing-here');
    expect(page.status).to.equal(404);
    expect(page.html).to.contain('Page not found');
  });
});
