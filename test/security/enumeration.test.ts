import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { startLiveServer, type LiveServer } from './harness.js';
import { IP } from '../helpers/riskgate.js';
import type { TestClient } from '../helpers/client.js';
import { hodgesLehmannShift, mannWhitneyP, median } from './statistics.js';
import { TimedClient } from './timedClient.js';

/** The page without what legitimately differs between two answers: the CSRF token and the echoed name. */
function normalise(html: string, username: string): string {
  return html
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""')
    .split(username)
    .join('USERNAME');
}

const cookieNames = (headers: Record<string, unknown>) =>
  ((headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.split('=')[0]).sort();

describe('security: user enumeration', function () {
  this.timeout(180_000);
  let s: LiveServer;
  afterEach(() => s?.close());

  it('a wrong password for a real user and any password for an unknown user get the same status, page and cookies', async () => {
    s = await startLiveServer();
    await s.addUser('alice');
    const known = await s.client(IP.london).signIn('alice', 'not her password');
    const unknown = await s.client(IP.london).signIn('alicf', 'not her password');
    expect(unknown.status).to.equal(known.status);
    expect(normalise(unknown.html, 'alicf')).to.equal(normalise(known.html, 'alice'));
    expect(cookieNames(unknown.headers)).to.deep.equal(cookieNames(known.headers));
  });

  it('a locked real account and a locked unknown name answer alike, even with the right password', async () => {
    s = await startLiveServer({ lockout: { threshold: 2, durationSeconds: 900 } });
    const user = await s.addUser('alice');
    const answers: Record<string, { status: number; html: string }> = {};
    for (const [name, last] of [
      ['alice', user.password],
      ['alicf', 'whatever it is'],
    ] as const) {
      const attacker = s.client(IP.paris);
      await attacker.signIn(name, 'first wrong guess');
      await attacker.signIn(name, 'second wrong guess');
      const page = await attacker.signIn(name, last);
      answers[name] = { status: page.status, html: normalise(page.html, name) };
    }
    expect(answers.alice!.status).to.equal(429);
    expect(answers.alicf).to.deep.equal(answers.alice);
  });

  it('forgot password: a real user with an address, one without, and an unknown name get the same status, page and cookies', async () => {
    s = await startLiveServer();
    await s.addUser('alice', { email: 'alice@example.com' });
    await s.addUser('bob');
    const ask = async (name: string) => {
      const client = s.client(IP.london);
      await client.get('/auth/forgot-password');
      const page = await client.submit('/auth/forgot-password', { username: name }, {}, { follow: false });
      return { status: page.status, html: normalise(page.html, name), cookies: cookieNames(page.headers) };
    };
    const known = await ask('alice');
    expect(known.status).to.equal(200);
    expect(await ask('bob')).to.deep.equal(known);
    expect(await ask('alicf')).to.deep.equal(known);
  });

  /**
   * The answer is sent before the name is looked up (the look-up, the link and the mail run in the
   * background), so it cannot take longer for a real user. The control is the same request for the
   * real user timed until that background work has finished (it starts 10 ms after the answer): it
   * must be clearly visible, which shows the comparison could see the work if the answer waited for
   * it. Answers are timed in a worker thread (timedClient.ts), as a remote client would see them.
   */
  it('timing: forgot password answers an unknown name as fast as a real user with an address (robust interleaved comparison)', async () => {
    s = await startLiveServer({
      passwordReset: { maxPerIp: 10_000, maxPerUsername: 100, windowSeconds: 3600 },
    });
    // Several real users, so that none reaches the per-name limit (past it no mail is prepared).
    const real = ['alice', 'amber', 'anna', 'ava'];
    for (const name of real) await s.addUser(name, { email: `${name}@example.com` });
    let turn = 0;
    const someone = () => real[(turn += 1) % real.length]!;
    const client = s.client(IP.london);
    await client.get('/auth/forgot-password');
    const token = client.hidden('_csrf')!;
    const headers = {
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-forwarded-for': IP.london,
    };
    const timed = new TimedClient();
    after(() => timed.close());
    const post = async (username: string, untilDone: boolean) => {
      const answer = await timed.post(`${s.url}/auth/forgot-password`, headers, { _csrf: token, username });
      let ms = answer.ms;
      if (untilDone) {
        const started = process.hrtime.bigint();
        await s.riskgate.notifications.settled();
        ms += Number(process.hrtime.bigint() - started) / 1e6;
      }
      // Untimed: the background work of one sample must not slow the next one down.
      await s.riskgate.notifications.settled();
      return { ms, status: answer.status };
    };
    const kinds = {
      known: () => post(someone(), false),
      unknown: () => post(`nobody-${randomBytes(4).toString('hex')}`, false),
      knownUntilMailed: () => post(someone(), true),
    };
    for (let i = 0; i < 4; i++) for (const run of Object.values(kinds)) await run(); // warm-up
    const samples: Record<keyof typeof kinds, number[]> = { known: [], unknown: [], knownUntilMailed: [] };
    for (let i = 0; i < 80; i++) {
      const order = (Object.keys(kinds) as (keyof typeof kinds)[]).sort(() => Math.random() - 0.5);
      for (const kind of order) {
        const { ms, status } = await kinds[kind]();
        expect(status).to.equal(200);
        samples[kind].push(ms);
      }
    }
    const shift = hodgesLehmannShift(samples.unknown, samples.known);
    const controlShift = hodgesLehmannShift(samples.knownUntilMailed, samples.known);
    console.log(
      `      timing: median real user ${median(samples.known).toFixed(1)} ms, unknown ${median(samples.unknown).toFixed(1)} ms, ` +
        `shift ${shift.toFixed(2)} ms (Mann-Whitney p=${mannWhitneyP(samples.unknown, samples.known).toFixed(2)}); ` +
        `control (until mailed) ${median(samples.knownUntilMailed).toFixed(1)} ms, shift ${controlShift.toFixed(1)} ms`,
    );
    expect(
      mannWhitneyP(samples.knownUntilMailed, samples.known),
      'cannot see the background work',
    ).to.be.below(1e-4);
    expect(controlShift).to.be.above(0);
    expect(Math.abs(shift), 'unknown names answer at a different speed').to.be.below(0.25 * controlShift);
  });

  /**
   * Timing: interleaved samples (random order within each pair, so load spikes and drift hit both
   * kinds alike), robust statistics, and a bound relative to the cost of one password check. The
   * comparison must also see a difference where one exists: a request that skips the password check
   * (a validation error) must differ from a wrong password by far more than the bound. Without the
   * dummy hash, unknown users would answer about one argon2 verification (~25 ms) sooner.
   */
  it('timing: an unknown user takes as long as a wrong password for a real one (robust interleaved comparison)', async () => {
    s = await startLiveServer({
      lockout: { threshold: 10_000, durationSeconds: 900 },
      throttle: { windowSeconds: 900, maxPerIp: 100_000, maxPerUsername: 100_000 },
    });
    await s.addUser('alice');
    const client = s.client(IP.london);
    await client.get('/auth/sign-in');
    const token = client.hidden('_csrf')!;
    const post = async (client: TestClient, username: string, password: string) => {
      const started = process.hrtime.bigint();
      const page = await client.postRaw(
        '/auth/sign-in',
        { _csrf: token, username, password },
        { follow: false },
      );
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      return { ms, status: page.status };
    };
    const guess = () => `guess ${randomBytes(6).toString('hex')}`;
    const kinds = {
      known: () => post(client, 'alice', guess()),
      unknown: () => post(client, `nobody-${randomBytes(4).toString('hex')}`, guess()),
      noPasswordCheck: () => post(client, 'alice', ''),
    };
    for (let i = 0; i < 4; i++) for (const run of Object.values(kinds)) await run(); // warm-up (dummy hash, JIT)

    const samples: Record<keyof typeof kinds, number[]> = { known: [], unknown: [], noPasswordCheck: [] };
    const PAIRS = 40;
    for (let i = 0; i < PAIRS; i++) {
      const order = (Object.keys(kinds) as (keyof typeof kinds)[]).sort(() => Math.random() - 0.5);
      for (const kind of order) {
        const { ms, status } = await kinds[kind]();
        expect(status).to.equal(kind === 'noPasswordCheck' ? 400 : 401);
        samples[kind].push(ms);
      }
    }
    const typical = median(samples.known);
    const shift = hodgesLehmannShift(samples.unknown, samples.known);
    const controlShift = hodgesLehmannShift(samples.known, samples.noPasswordCheck);
    console.log(
      `      timing: median wrong password ${typical.toFixed(1)} ms, unknown user ${median(samples.unknown).toFixed(1)} ms, ` +
        `shift ${shift.toFixed(2)} ms (Mann-Whitney p=${mannWhitneyP(samples.unknown, samples.known).toFixed(2)}); ` +
        `control (no password check) ${median(samples.noPasswordCheck).toFixed(1)} ms, shift ${controlShift.toFixed(1)} ms`,
    );
    // The comparison can see a password check's worth of difference (p is astronomically small for
    // it), and sees none between unknown and known users: under a quarter of one password check.
    expect(
      mannWhitneyP(samples.known, samples.noPasswordCheck),
      'cannot see a skipped password check',
    ).to.be.below(1e-4);
    expect(controlShift).to.be.above(0);
    expect(Math.abs(shift), 'unknown users answer at a different speed').to.be.below(0.25 * controlShift);
  });
});
