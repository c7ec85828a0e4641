import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { operationsRouter } from '../../src/ops/operations.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { createLogger } from '../../src/ops/logging.js';

function appWithOperations() {
  const app = express();
  app.use(
    operationsRouter({ ping: async () => {}, metrics: createMetrics(), logger: createLogger('silent') }),
  );
  app.get('/', (_req, res) => void res.send('app home'));
  app.get('/metrics-report', (_req, res) => void res.send("the app's own page"));
  return app;
}

describe('operations router at the root of an app', () => {
  it('answers its paths the way Express routes match them: any case, with a trailing slash', async () => {
    const app = appWithOperations();
    for (const path of ['/healthz', '/HEALTHZ', '/healthz/', '/readyz', '/ReadyZ/'])
      expect((await request(app).get(path).expect(200)).body).to.have.property('status');
    expect((await request(app).get('/metrics').expect(200)).text).to.contain(
      'process_cpu_user_seconds_total',
    );
    expect((await request(app).get('/Metrics/').expect(200)).text).to.contain(
      'process_cpu_user_seconds_total',
    );
  });

  it("passes every other request on to the app's own routes, untouched", async () => {
    const app = appWithOperations();
    expect((await request(app).get('/').expect(200)).text).to.equal('app home');
    expect((await request(app).get('/metrics-report').expect(200)).text).to.equal("the app's own page");
    await request(app).get('/healthz/extra').expect(404);
  });
});
