import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { refreshFeed } from '../../../src/signals/feeds/refresh.js';

/** The error a promise rejects with; fails the test when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A local feed server: the path picks the response, so each case is one URL. */
const ROUTES: Record<string, { status: number; body: string }> = {
  '/tor.txt': { status: 200, body: '# fresh list\n192.0.2.1\n192.0.2.2\n2001:db8::/48\nbogus\n' },
  '/missing': { status: 404, body: 'not found' },
  '/error': { status: 503, body: 'maintenance' },
  '/empty': { status: 200, body: '' },
  '/html': { status: 200, body: '<html><body>Please sign in</body></html>\n' },
  '/comments-only': { status: 200, body: '# nothing listed today\n\n' },
};

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

/** A port nothing listens on: bind one, then close it. */
async function refusedPort(): Promise<number> {
  const server = http.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('refreshFeed', () => {
  let server: http.Server;
  let base: string;
  let dir: string;
  const OLD = '192.0.2.99\n';

  before(async () => {
    server = http.createServer((req, res) => {
      const route = ROUTES[req.url ?? ''] ?? { status: 404, body: '' };
      res.writeHead(route.status, { 'content-type': 'text/plain' }).end(route.body);
    });
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-refresh-'));
    writeFileSync(path.join(dir, 'tor.txt'), OLD);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the feed file and reports what it parsed', async () => {
    const result = await refreshFeed(dir, 'tor', `${base}/tor.txt`);
    expect(result).to.deep.equal({ ranges: 2, invalid: 1 }); // .1 and .2 merge into one range
    expect(readFileSync(path.join(dir, 'tor.txt'), 'utf8')).to.equal(ROUTES['/tor.txt']!.body);
    expect(readdirSync(dir)).to.deep.equal(['tor.txt']); // no temporary file left behind
  });

  it('creates the directory and the file on a first refresh', async () => {
    const fresh = path.join(dir, 'feeds');
    await refreshFeed(fresh, 'vpn', `${base}/tor.txt`);
    expect(readFileSync(path.join(fresh, 'vpn.txt'), 'utf8')).to.equal(ROUTES['/tor.txt']!.body);
  });

  const failures: { name: string; url: () => Promise<string>; message: RegExp }[] = [
    { name: 'a 404', url: async () => `${base}/missing`, message: /HTTP 404 Not Found/ },
    { name: 'a 503', url: async () => `${base}/error`, message: /HTTP 503/ },
    { name: 'an empty body', url: async () => `${base}/empty`, message: /empty/ },
    {
      name: 'an HTML page',
      url: async () => `${base}/html`,
      message: /no IP address or CIDR \(1 invalid lines\)/,
    },
    { name: 'a list of comments only', url: async () => `${base}/comments-only`, message: /no IP address/ },
    {
      name: 'a refused connection',
      url: async () => `http://127.0.0.1:${await refusedPort()}/tor.txt`,
      message: /fetch failed: .*ECONNREFUSED/,
    },
    { name: 'a non-HTTP URL', url: async () => 'file:///etc/passwd', message: /unsupported protocol file:/ },
    { name: 'a malformed URL', url: async () => 'not a url', message: /not a valid URL/ },
  ];
  for (const failure of failures) {
    it(`keeps the old file on ${failure.name} and says why`, async () => {
      const url = await failure.url();
      const error = await rejectionOf(refreshFeed(dir, 'tor', url));
      expect(error.message).to.match(failure.message);
      expect(error.message).to.include('feed "tor" not refreshed').and.include('existing file was kept');
      expect(readFileSync(path.join(dir, 'tor.txt'), 'utf8')).to.equal(OLD);
      expect(readdirSync(dir)).to.deep.equal(['tor.txt']);
    });
  }

  it('uses the fetch implementation it is given', async () => {
    const fakeFetch = (async () => new Response('198.51.100.0/24\n')) as typeof fetch;
    expect(await refreshFeed(dir, 'tor', 'https://feeds.invalid/tor.txt', fakeFetch)).to.deep.equal({
      ranges: 1,
      invalid: 0,
    });
  });
});
