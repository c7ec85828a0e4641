import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { healthRoutes, type HealthOptions } from '../../src/ops/health.js';

const appWith = (options: HealthOptions) => express().use(healthRoutes(options));
const never = () => new Promise<void>(() => {});

describe('ops health', () => {
  it('/healthz is 200 ok without asking the store', async () => {
    let pinged = 0;
    const res = await request(appWith({ ping: async () => void pinged++ }))
      .get('/healthz')
      .expect(200);
    expect(res.body).to.deep.equal({ status: 'ok' });
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(pinged).to.equal(0);
  });

  it('/healthz stays 200 while the store is down', async () => {
    await request(appWith({ ping: () => Promise.reject(new Error('down')) }))
      .get('/healthz')
      .expect(200);
  });

  it('/readyz is 200 ready when the ping resolves', async () => {
    const res = await request(appWith({ ping: async () => {} }))
      .get('/readyz')
      .expect(200);
    expect(res.body).to.deep.equal({ status: 'ready' });
    expect(res.headers['cache-control']).to.equal('no-store');
  });

  it('/readyz is 503 unavailable with no error details when the ping rejects', async () => {
    const res = await request(
      appWith({ ping: () => Promise.reject(new Error('password authentication failed')) }),
    )
      .get('/readyz')
      .expect(503);
    expect(res.body).to.deep.equal({ status: 'unavailable' });
    expect(res.text).not.to.contain('password');
  });

  it('/readyz is 503 when the ping throws synchronously', async () => {
    const ping = () => {
      throw new Error('not connected');
    };
    await request(appWith({ ping })).get('/readyz').expect(503, { status: 'unavailable' });
  });

  it('/readyz answers 503 at the timeout when the ping never resolves', async () => {
    const started = Date.now();
    await request(appWith({ ping: never, timeoutMs: 50 }))
      .get('/readyz')
      .expect(503, { status: 'unavailable' });
    const took = Date.now() - started;
    expect(took).to.be.at.least(45);
    expect(took).to.be.below(1000);
  });

  it('/readyz is 503 when the ping resolves only after the timeout', async () => {
    const late = () => new Promise<void>((resolve) => setTimeout(resolve, 200));
    await request(appWith({ ping: late, timeoutMs: 20 }))
      .get('/readyz')
      .expect(503);
  });

  it('reports why it is not ready to onUnready, and survives a throwing reporter', async () => {
    const reasons: unknown[] = [];
    await request(appWith({ ping: never, timeoutMs: 20, onUnready: (reason) => reasons.push(reason) }))
      .get('/readyz')
      .expect(503);
    expect((reasons[0] as Error).name).to.equal('PingTimeout');
    const throwing = () => {
      throw new Error('reporter broke');
    };
    await request(appWith({ ping: never, timeoutMs: 20, onUnready: throwing }))
      .get('/readyz')
      .expect(503);
  });

  it('concurrent probes share one ping, and a hung ping is retried after the timeout', async () => {
    let pings = 0;
    let release: () => void = () => {};
    const ping = () => {
      pings++;
      return new Promise<void>((resolve) => (release = resolve));
    };
    const app = appWith({ ping, timeoutMs: 150 });
    await Promise.all([1, 2, 3].map(() => request(app).get('/readyz').expect(503)));
    expect(pings).to.equal(1);
    const answered = request(app)
      .get('/readyz')
      .then((res) => res.status);
    while (pings < 2) await new Promise((resolve) => setTimeout(resolve, 2));
    release();
    expect(await answered).to.equal(200);
    expect(pings).to.equal(2);
  });

  it('recovers: ready again once the store answers', async () => {
    let up = false;
    const app = appWith({ ping: async () => (up ? undefined : Promise.reject(new Error('down'))) });
    await request(app).get('/readyz').expect(503);
    up = true;
    await request(app).get('/readyz').expect(200);
  });
});
