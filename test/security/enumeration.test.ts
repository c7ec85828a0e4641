import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { startLiveServer, type LiveServer } from './harness.js';
import { IP } from '../helpers/riskgate.js';
import type { TestClient } from '../helpers/client.js';
import { hodgesLehmannShift, mannWhitneyP, median } from './statistics.js';

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
