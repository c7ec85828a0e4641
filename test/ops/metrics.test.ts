import { expect } from 'chai';
import express, { Router } from 'express';
import request from 'supertest';
import { createMetrics, SIGN_IN_BUCKETS, type Metrics } from '../../src/ops/metrics.js';

async function scrape(metrics: Metrics): Promise<string> {
  const app = express();
  app.get('/metrics', metrics.handler());
  const res = await request(app).get('/metrics').expect(200);
  expect(res.headers['content-type']).to.equal(metrics.register.contentType);
  return res.text;
}

describe('ops metrics', () => {
  it('two createMetrics() in one process have separate registries and do not throw', async () => {
    const a = createMetrics();
    const b = createMetrics();
    expect(a.register).not.to.equal(b.register);
    a.countSignIn('allowed');
    expect(await scrape(a)).to.contain('riskgate_sign_ins_total{result="allowed"} 1');
    expect(await scrape(b)).to.contain('riskgate_sign_ins_total{result="allowed"} 0');
  });

  it('exposes default process metrics in its own registry', async () => {
    expect(await scrape(createMetrics())).to.match(/^process_cpu_user_seconds_total /m);
  });

  it('exposes every Riskgate metric after it is incremented', async () => {
    const metrics = createMetrics();
    metrics.countSignIn('wrongPassword');
    metrics.countSignIn('wrongPassword');
    metrics.countDecision('requireMfa');
    metrics.countDetection('impossibleTravel', 'high');
    metrics.countFlowOutcome('riskySignIn', 'completed');
    metrics.signInSeconds.observe(0.3);
    const text = await scrape(metrics);
    expect(text).to.contain('riskgate_sign_ins_total{result="wrongPassword"} 2');
    expect(text).to.contain('riskgate_decisions_total{decision="requireMfa"} 1');
    expect(text).to.contain('riskgate_detections_total{type="impossibleTravel",level="high"} 1');
    expect(text).to.contain('riskgate_flow_outcomes_total{flow="riskySignIn",outcome="completed"} 1');
    expect(text).to.contain('riskgate_sign_in_duration_seconds_count 1');
    expect(text).to.contain('riskgate_sign_in_duration_seconds_bucket{le="0.5"} 1');
    expect(text).to.contain('riskgate_sign_in_duration_seconds_bucket{le="0.2"} 0');
  });

  it('starts every closed-set series at zero so alerts work before the first event', async () => {
    const text = await scrape(createMetrics());
    expect(text).to.contain('riskgate_sign_ins_total{result="throttled"} 0');
    expect(text).to.contain('riskgate_decisions_total{decision="block"} 0');
    expect(text).to.contain('riskgate_detections_total{type="leakedCredentials",level="low"} 0');
    expect(text).to.contain('riskgate_flow_outcomes_total{flow="blocked",outcome="expired"} 0');
  });

  it('sign-in buckets span argon2-dominated sign-ins, 10 ms to 2 s', () => {
    expect(SIGN_IN_BUCKETS[0]).to.equal(0.01);
    expect(SIGN_IN_BUCKETS.at(-1)).to.equal(2);
  });

  describe('HTTP duration', () => {
    function appWith(metrics: Metrics) {
      const app = express();
      app.set('env', 'test'); // Express's final handler prints error stacks unless in test
      app.use(metrics.httpMetrics());
      app.get('/users/:id', (_req, res) => void res.send('user'));
      const nested = Router();
      nested.post('/flow/:state', (_req, res) => void res.status(303).end());
      app.use('/riskgate', nested);
      app.get('/broken/:id', () => {
        throw new Error('boom');
      });
      app.get('/metrics', metrics.handler());
      return app;
    }

    it('labels by route pattern, not by the raw URL with ids', async () => {
      const metrics = createMetrics();
      const app = appWith(metrics);
      await request(app).get('/users/42').expect(200);
      await request(app).get('/users/43').expect(200);
      const text = await scrape(metrics);
      expect(text).to.contain(
        'riskgate_http_request_duration_seconds_count{method="GET",route="/users/:id",status="200"} 2',
      );
      expect(text).not.to.contain('/users/42');
      expect(text).not.to.contain('/users/43');
    });

    it('joins the mount path of a nested router with the route pattern', async () => {
      const metrics = createMetrics();
      await request(appWith(metrics)).post('/riskgate/flow/mfa').expect(303);
      expect(await scrape(metrics)).to.contain(
        'riskgate_http_request_duration_seconds_count{method="POST",route="/riskgate/flow/:state",status="303"} 1',
      );
    });

    it('labels requests no route matched "unmatched", whatever their URL', async () => {
      const metrics = createMetrics();
      const app = appWith(metrics);
      await request(app).get('/no/such/page-1').expect(404);
      await request(app).get('/no/such/page-2').expect(404);
      const text = await scrape(metrics);
      expect(text).to.contain(
        'riskgate_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 2',
      );
      expect(text).not.to.contain('page-1');
    });

    it('keeps series apart by method and status on one route, and counts on after a registry reset', async () => {
      const metrics = createMetrics();
      const app = appWith(metrics);
      await request(app).get('/users/1').expect(200);
      await request(app).post('/riskgate/flow/a').expect(303);
      await request(app).post('/riskgate/flow/b').expect(303);
      let text = await scrape(metrics);
      expect(text).to.contain(
        'riskgate_http_request_duration_seconds_count{method="GET",route="/users/:id",status="200"} 1',
      );
      expect(text).to.contain(
        'riskgate_http_request_duration_seconds_count{method="POST",route="/riskgate/flow/:state",status="303"} 2',
      );
      metrics.register.resetMetrics();
      await request(app).get('/users/2').expect(200);
      text = await scrape(metrics);
      expect(text).to.contain(
        'riskgate_http_request_duration_seconds_count{method="GET",route="/users/:id",status="200"} 1',
      );
      expect(text).not.to.contain('route="/riskgate/flow/:state"');
    });

    it("keeps the route pattern when a handler error reaches Express's final handler (500)", async () => {
      const metrics = createMetrics();
      await request(appWith(metrics)).get('/broken/7').expect(500);
      expect(await scrape(metrics)).to.contain(
        'riskgate_http_request_duration_seconds_count{method="GET",route="/broken/:id",status="500"} 1',
      );
    });
  });
});
