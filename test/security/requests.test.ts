import { expect } from 'chai';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import request from 'supertest';
import { startLiveServer, closeServer, type LiveServer } from './harness.js';
import { JOURNEYS } from './journeys.js';
import { IP, startRiskgate } from '../helpers/riskgate.js';
import { createHttpServer } from '../../src/web/httpServer.js';

const OPEN_REDIRECTS = [
  '//evil.example/',
  '/\\evil.example/',
  '\\\\evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  ' //evil.example',
  'https://evil.example/',
  'http:evil.example',
  'javascript:alert(1)',
  'data:text/html,hi',
  '/%2F/evil.example',
  '/\u3000/evil.example',
  '%2F%2Fevil.example',
];

/** Same origin as the WHATWG URL parser sees it, and not "//host" once the tabs and newlines browsers drop are gone. */
function sameSite(location: string, base: string): boolean {
  const target = new URL(location, base);
  const asBrowsersRead = location.replace(/[\t\n\r]/g, '').trimStart();
  return target.origin === new URL(base).origin && !/^[/\\]{2}/.test(asBrowsersRead);
}

describe('security: open redirects, forwarded addresses, bad bodies', function () {
  this.timeout(60_000);
  let s: LiveServer;
  afterEach(() => s?.close());

  it('returnTo never leads off the site: not on the sign-in page, not after sign-in, not after an MFA flow', async () => {
    s = await startLiveServer();
    const user = await s.addUser('alice');
    for (const target of OPEN_REDIRECTS) {
      const client = s.client(IP.london);
      await client.get(`/auth/sign-in?returnTo=${encodeURIComponent(target)}`);
      const kept = client.hidden('returnTo');
      if (kept !== undefined) expect(sameSite(kept, s.url), `kept ${JSON.stringify(kept)}`).to.equal(true);
      const page = await client.submit(
        '/auth/sign-in',
        { username: 'alice', password: user.password, returnTo: target },
        {},
        { follow: false },
      );
      expect(page.status).to.equal(303);
      expect(sameSite(page.location!, s.url), `${JSON.stringify(target)} -> ${page.location}`).to.equal(true);
    }
    const j = await JOURNEYS.riskyNotice(s); // a flow keeps returnTo: it must be just as safe at the end
    const away = s.client(IP.tokyo);
    await away.get('/auth/sign-in');
    await away.submit('/auth/sign-in', {
      username: j.username,
      password: j.password,
      returnTo: '//evil.example/',
    });
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    const done = await away.submit(
      '/auth/flow/mfa',
      { code: s.totp(j.totpSecret!, 1) },
      {},
      { follow: false },
    );
    expect(sameSite(done.location!, s.url), done.location!).to.equal(true);
  });

  it('with no trusted proxy, X-Forwarded-For changes nothing: not the recorded address, not the per-IP throttle', async () => {
    s = await startLiveServer({
      trustProxy: false,
      throttle: { windowSeconds: 900, maxPerIp: 5, maxPerUsername: 100 },
    });
    const user = await s.addUser('alice');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const spoofer = s.client(`203.0.113.${i + 1}`); // a different "address" every time
      statuses.push((await spoofer.signIn('alice', `guess number ${i}`)).status);
    }
    expect(statuses.slice(5)).to.deep.equal([429, 429]);
    const recorded = await s.riskgate.store.signIns.recentSignIns(user.id, 10);
    expect(new Set(recorded.map((r) => r.context.ip))).to.deep.equal(new Set(['127.0.0.1']));
  });

  it('through a trusted proxy, only the address the proxy saw counts, not one the client prepended', async () => {
    s = await startLiveServer();
    const user = await s.addUser('alice');
    const client = s.client(`8.8.8.8, ${IP.london}`); // the client sent "8.8.8.8"; the proxy appended London
    await client.signIn('alice', user.password);
    const [record] = await s.riskgate.store.signIns.recentSignIns(user.id, 1);
    expect(record!.context.ip).to.equal(IP.london);
  });

  it('oversized, malformed and unexpected bodies get a 4xx and change nothing', async () => {
    s = await startLiveServer();
    const j = await JOURNEYS.riskyMfa(s);
    const cookie = [...j.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = j.client.hidden('_csrf')!;
    const v = j.client.hidden('v')!;
    const form = `_csrf=${encodeURIComponent(csrf)}&v=${v}&code=${j.code()}`;
    const bodies: [string, string, string | Buffer, Record<string, string>?][] = [
      ['1 MB', 'application/x-www-form-urlencoded', `${form}&pad=${'x'.repeat(1024 * 1024)}`],
      [
        'too many fields',
        'application/x-www-form-urlencoded',
        `${form}&${Array.from({ length: 60 }, (_, i) => `f${i}=1`).join('&')}`,
      ],
      ['an unknown charset', 'application/x-www-form-urlencoded; charset=koi8-r', form],
      ['JSON', 'application/json', JSON.stringify({ _csrf: csrf, v, code: j.code() })],
      [
        'multipart',
        'multipart/form-data; boundary=b',
        `--b\r\nContent-Disposition: form-data; name="code"\r\n\r\n${j.code()}\r\n--b--`,
      ],
      ['text/plain', 'text/plain', form],
      ['broken gzip', 'application/x-www-form-urlencoded', 'not gzip at all', { 'Content-Encoding': 'gzip' }],
      [
        'a gzip bomb',
        'application/x-www-form-urlencoded',
        zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024, 'a')),
        { 'Content-Encoding': 'gzip' },
      ],
      ['an unsupported encoding', 'application/x-www-form-urlencoded', form, { 'Content-Encoding': 'br' }],
      ['nested keys', 'application/x-www-form-urlencoded', `${form.replace('code=', 'code[a][b]=')}`],
    ];
    const before = await s.snapshot();
    for (const [name, type, body, headers = {}] of bodies) {
      const res = await request(s.url)
        .post('/auth/flow/mfa')
        .set('Cookie', cookie)
        .set('X-Forwarded-For', IP.tokyo)
        .set('Content-Type', type)
        .set(headers)
        .send(body);
      expect(res.status, name).to.be.within(400, 499);
      expect(await s.snapshot(), name).to.deep.equal(before);
    }
    const huge = await request(s.url)
      .get('/auth/sign-in')
      .set('Cookie', `${cookie}; pad=${'x'.repeat(20_000)}`);
    expect(huge.status).to.equal(431);
    for (const path of [
      '/auth/flow/%E0%A4%A',
      '/auth/static/%2e%2e/%2e%2e/package.json',
      '/auth/static/..%2f..%2fpackage.json',
    ]) {
      const res = await request(s.url).get(path);
      expect(res.status, path).to.be.within(400, 499);
      expect(res.text).to.not.contain('"name": "riskgate"');
    }
    const badCookie = await request(s.url)
      .post('/auth/sign-in')
      .set('Cookie', `${cookie}; rg.device=%E0%A4%A`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrf)}&username=x&password=y`);
    expect(badCookie.status).to.be.below(500);
  });

  it('/metrics is not served to requests a local reverse proxy forwarded', async () => {
    s = await startLiveServer();
    expect((await request(s.url).get('/metrics')).status).to.equal(200);
    expect((await request(s.url).get('/metrics').set('X-Forwarded-For', '203.0.113.9')).status).to.equal(404);
    expect((await request(s.url).get('/metrics').set('Forwarded', 'for=203.0.113.9')).status).to.equal(404);
  });
});

describe('security: slow clients', function () {
  this.timeout(60_000);

  /** Opens a raw connection that sends `first`, then one more byte every 200 ms; resolves when the server hangs up. */
  function trickle(port: number, first: string, drip: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let answer = '';
      const timer = setInterval(() => socket.write(drip), 200);
      socket.on('connect', () => socket.write(first));
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve(answer);
      });
    });
  }

  it('a slowloris client (headers a byte at a time) and a trickled body are cut off, while others are served meanwhile', async () => {
    const rg = await startRiskgate({ jobs: { enabled: false } });
    const server = createHttpServer(rg.app, {
      headersTimeoutMs: 1000,
      requestTimeoutMs: 2000,
      keepAliveTimeoutMs: 1000,
      checkIntervalMs: 200,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const slowHeaders = Array.from({ length: 20 }, () =>
        trickle(port, 'GET /auth/sign-in HTTP/1.1\r\nHost: x\r\n', 'X'),
      );
      const slowBody = trickle(
        port,
        'POST /auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n',
        'a',
      );
      const served = await request(`http://127.0.0.1:${port}`).get('/auth/sign-in');
      expect(served.status).to.equal(200);
      const answers = await Promise.all([...slowHeaders, slowBody]);
      for (const answer of answers) expect(answer).to.not.match(/HTTP\/1\.1 200/);
      expect(answers.at(-1)).to.match(/^$|408/);
    } finally {
      await closeServer(server);
      await rg.close();
    }
  });
});
