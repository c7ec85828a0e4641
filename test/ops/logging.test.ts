import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express, { type Express } from 'express';
import request from 'supertest';
import { createLogger, REDACTED, requestLogging } from '../../src/ops/logging.js';
import { MemoryLog } from './memoryLog.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const completed = (line: Record<string, unknown>) => line.msg === 'request completed';

function appWithLogging(log: MemoryLog, routes: (app: Express) => void = () => {}): Express {
  const app = express();
  app.use(requestLogging(createLogger('info', log)));
  routes(app);
  app.get('/ok', (_req, res) => void res.send('ok'));
  return app;
}

describe('ops logging', () => {
  let log: MemoryLog;
  beforeEach(() => {
    log = new MemoryLog();
  });

  describe('request ids', () => {
    it('generates a UUID when the request has none and echoes it in X-Request-Id', async () => {
      const res = await request(appWithLogging(log)).get('/ok').expect(200);
      const id = res.headers['x-request-id'];
      expect(id).to.match(UUID);
      expect((await log.waitFor(completed)).reqId).to.equal(id);
    });

    it('keeps a valid incoming X-Request-Id so ids correlate across proxies', async () => {
      const id = 'edge-01.a_B-9';
      const res = await request(appWithLogging(log)).get('/ok').set('X-Request-Id', id).expect(200);
      expect(res.headers['x-request-id']).to.equal(id);
      expect((await log.waitFor(completed)).reqId).to.equal(id);
    });

    for (const [name, bad] of [
      ['spaces', 'not a valid id'],
      ['markup', '<script>alert(1)</script>'],
      ['65 characters', 'a'.repeat(65)],
      ['a JSON breakout', 'x","admin":true'],
    ] as const) {
      it(`replaces an incoming id with ${name} by a fresh UUID`, async () => {
        const res = await request(appWithLogging(log)).get('/ok').set('X-Request-Id', bad).expect(200);
        expect(res.headers['x-request-id']).to.match(UUID);
        expect(log.text()).not.to.contain(bad);
      });
    }

    it('accepts a 64-character id, the longest allowed', async () => {
      const id = 'b'.repeat(64);
      const res = await request(appWithLogging(log)).get('/ok').set('X-Request-Id', id).expect(200);
      expect(res.headers['x-request-id']).to.equal(id);
    });

    it('puts the id on every line a request writes, and keeps concurrent requests apart', async () => {
      const app = appWithLogging(log, (a) =>
        a.get('/work', async (req, res) => {
          req.log.info('step one');
          await new Promise((resolve) => setTimeout(resolve, 10));
          req.log.warn('step two');
          res.send('done');
        }),
      );
      const [first, second] = await Promise.all([
        request(app).get('/work').set('X-Request-Id', 'first'),
        request(app).get('/work').set('X-Request-Id', 'second'),
      ]);
      expect(first.headers['x-request-id']).to.equal('first');
      expect(second.headers['x-request-id']).to.equal('second');
      await log.waitFor((line) => completed(line) && line.reqId === 'second');
      await log.waitFor((line) => completed(line) && line.reqId === 'first');
      for (const id of ['first', 'second']) {
        const mine = log.lines.filter((line) => line.reqId === id).map((line) => line.msg);
        expect(mine).to.have.members(['step one', 'step two', 'request completed']);
      }
      expect(log.lines.every((line) => line.reqId === 'first' || line.reqId === 'second')).to.equal(true);
    });
  });

  describe('what a line contains', () => {
    it('replaces the token of a mailed link in the path (forgot password, "This wasn\'t me")', async () => {
      const app = appWithLogging(log, (a) => {
        a.get('/auth/reset/:token/code', (_req, res) => res.send('ok'));
        a.get('/auth/not-me/:token', (_req, res) => res.send('ok'));
      });
      await request(app).get('/auth/reset/SECRETRESETTOKEN/code').expect(200);
      await request(app).get('/auth/not-me/SECRETNOTMETOKEN').expect(200);
      await log.waitFor((line) => (line.req as { url?: string })?.url === `/auth/not-me/${REDACTED}`);
      expect(log.text()).to.contain(`/auth/reset/${REDACTED}/code`);
      for (const leaked of ['SECRETRESETTOKEN', 'SECRETNOTMETOKEN'])
        expect(log.text()).not.to.contain(leaked);
    });

    it('logs method, path, status, time and remote address, but never headers or the query string', async () => {
      await request(appWithLogging(log))
        .get('/ok?returnTo=%2Faccount%2Fsecret-place&token=abc123')
        .set('Cookie', 'riskgate.sid=s%3Asession-value')
        .set('User-Agent', 'probe/1.0')
        .expect(200);
      const line = await log.waitFor(completed);
      expect(line).to.include({ name: 'riskgate' });
      expect(line.reqId).to.match(UUID);
      expect(line.req).to.have.keys(['method', 'url', 'remoteAddress']);
      expect(line.req).to.include({ method: 'GET', url: '/ok' });
      expect(line.res).to.deep.equal({ statusCode: 200 });
      expect(line.responseTime).to.be.a('number');
      for (const leaked of ['returnTo', 'secret-place', 'abc123', 'session-value', 'probe/1.0'])
        expect(log.text()).not.to.contain(leaked);
    });

    it('logs server errors at error level and client errors at info', async () => {
      const app = appWithLogging(log, (a) => {
        a.get('/boom', (_req, res) => void res.status(503).send('down'));
        a.get('/nope', (_req, res) => void res.status(404).send('nope'));
      });
      await request(app).get('/boom').expect(503);
      await request(app).get('/nope').expect(404);
      const boom = await log.waitFor((line) => (line.req as { url?: string })?.url === '/boom');
      const nope = await log.waitFor((line) => (line.req as { url?: string })?.url === '/nope');
      expect(boom.level).to.equal(50);
      expect(nope.level).to.equal(30);
    });
  });

  describe('redaction', () => {
    it('redacts cookie and authorization headers a handler logs', async () => {
      const app = appWithLogging(log, (a) =>
        a.get('/headers', (req, res) => {
          req.log.info({ headers: req.headers }, 'bare headers');
          req.log.info({ incoming: { headers: req.headers } }, 'nested headers');
          res.send('ok');
        }),
      );
      await request(app)
        .get('/headers')
        .set('Cookie', 'riskgate.sid=s%3Asession-value')
        .set('Authorization', 'Bearer token-value')
        .expect(200);
      await log.waitFor(completed);
      const bare = log.lines.find((line) => line.msg === 'bare headers')!.headers as Record<string, unknown>;
      const nested = log.lines.find((line) => line.msg === 'nested headers')!.incoming as {
        headers: Record<string, unknown>;
      };
      for (const headers of [bare, nested.headers]) {
        expect(headers.cookie).to.equal(REDACTED);
        expect(headers.authorization).to.equal(REDACTED);
      }
      expect(log.text()).not.to.contain('session-value');
      expect(log.text()).not.to.contain('token-value');
    });

    it('redacts passwords, codes, CSRF tokens and TOTP secrets at the top level and one level down', async () => {
      const app = appWithLogging(log, (a) =>
        a.post('/form', (req, res) => {
          req.log.info({ body: { password: 'x', code: '123456', username: 'alice' } }, 'form');
          req.log.info(
            {
              password: 'top-password',
              form: { newPassword: 'new-pw', confirmPassword: 'new-pw', _csrf: 'csrf-token' },
              identity: { totpSecret: 'JBSWY3DPEHPK3PXP', secret: 'shh' },
            },
            'more',
          );
          res.send('ok');
        }),
      );
      await request(app).post('/form').expect(200);
      await log.waitFor(completed);
      const form = log.lines.find((line) => line.msg === 'form')!;
      expect(form.body).to.deep.equal({ password: REDACTED, code: REDACTED, username: 'alice' });
      const more = log.lines.find((line) => line.msg === 'more')!;
      expect(more.password).to.equal(REDACTED);
      expect(more.form).to.deep.equal({ newPassword: REDACTED, confirmPassword: REDACTED, _csrf: REDACTED });
      expect(more.identity).to.deep.equal({ totpSecret: REDACTED, secret: REDACTED });
      for (const leaked of ['123456', 'top-password', 'new-pw', 'csrf-token', 'JBSWY3DPEHPK3PXP', 'shh'])
        expect(log.text()).not.to.contain(leaked);
    });

    it('keeps an error code (ECONNREFUSED) readable as errorCode despite the `code` redaction', () => {
      const logger = createLogger('info', log);
      const error = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
      logger.error({ err: error }, 'store down');
      const [line] = log.lines;
      expect(line!.err).to.include({ message: 'connect failed', errorCode: 'ECONNREFUSED' });
      expect(line!.err).not.to.have.property('code');
    });

    it('keeps errorCode on errors logged through req.log too', async () => {
      const app = appWithLogging(log, (a) =>
        a.get('/store', (req, res) => {
          req.log.error({ err: Object.assign(new Error('gone'), { code: 'ECONNRESET' }) }, 'store failed');
          res.status(503).send('down');
        }),
      );
      await request(app).get('/store').expect(503);
      const line = await log.waitFor((l) => l.msg === 'store failed');
      expect(line.err).to.include({ message: 'gone', errorCode: 'ECONNRESET' });
    });
  });

  describe('only the work the level asks for', () => {
    it('at level silent writes nothing, yet req.log works and the id is still echoed', async () => {
      const app = express();
      app.use(requestLogging(createLogger('silent', log)));
      app.get('/work', (req, res) => {
        req.log.warn({ password: 'hunter2' }, 'handler line');
        res.status(500).send('failed');
      });
      const res = await request(app).get('/work').expect(500);
      expect(res.headers['x-request-id']).to.match(UUID);
      await new Promise((resolve) => setImmediate(resolve));
      expect(log.raw).to.deep.equal([]);
    });

    it('at level error writes a completion line for server errors only', async () => {
      const app = express();
      app.use(requestLogging(createLogger('error', log)));
      app.get('/ok', (_req, res) => void res.send('ok'));
      app.get('/boom', (_req, res) => void res.status(503).send('down'));
      await request(app).get('/ok').set('X-Request-Id', 'fine').expect(200);
      await request(app).get('/boom').set('X-Request-Id', 'broken').expect(503);
      const line = await log.waitFor((l) => l.reqId === 'broken');
      expect(line).to.include({ level: 50, msg: 'request errored' });
      expect(line.responseTime).to.be.a('number');
      expect(line.res).to.deep.equal({ statusCode: 503 });
      expect(line.err).to.include({ message: 'failed with status code 503' });
      expect(log.lines.map((l) => l.reqId)).to.deep.equal(['broken']);
    });
  });

  it('a request or response a handler logs through req.log is whitelisted like the completion line', async () => {
    const app = appWithLogging(log, (a) =>
      a.get('/objects', (req, res) => {
        req.log.info({ req, res }, 'objects');
        res.send('ok');
      }),
    );
    await request(app)
      .get('/objects?token=abc123')
      .set('Cookie', 'riskgate.sid=s%3Asession-value')
      .set('Authorization', 'Bearer token-value')
      .expect(200);
    const line = await log.waitFor((l) => l.msg === 'objects');
    expect(line.req).to.have.keys(['method', 'url', 'remoteAddress']);
    expect(line.req).to.include({ method: 'GET', url: '/objects' });
    // Logged before the answer went out: no status yet.
    expect(line.res).to.deep.equal({ statusCode: null });
    for (const leaked of ['abc123', 'session-value', 'token-value'])
      expect(log.text()).not.to.contain(leaked);
  });

  it('a client that leaves before the answer gets a "request aborted" line with its id', async () => {
    let arrived!: () => void;
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const app = appWithLogging(log, (a) =>
      a.get('/slow', async (_req, res) => {
        arrived();
        await released;
        if (!res.destroyed) res.send('late');
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const client = http.get({
        host: '127.0.0.1',
        port,
        path: '/slow',
        headers: { 'X-Request-Id': 'gone' },
      });
      client.on('error', () => undefined);
      await inHandler;
      client.destroy();
      const line = await log.waitFor((l) => l.reqId === 'gone');
      expect(line).to.include({ msg: 'request aborted', level: 30 });
    } finally {
      release();
      server.close();
    }
  });

  it('createLogger names lines "riskgate" and honours the level', () => {
    const logger = createLogger('warn', log);
    logger.info('quiet');
    logger.warn('loud');
    expect(log.lines.map((line) => [line.name, line.msg])).to.deep.equal([['riskgate', 'loud']]);
  });
});
