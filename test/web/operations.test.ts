import { expect } from 'chai';
import request from 'supertest';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { MemoryLog } from '../ops/memoryLog.js';
import { createLogger } from '../../src/ops/logging.js';

describe('operations in the reference app', () => {
  let rg: TestRiskgate;
  let log: MemoryLog;
  beforeEach(async () => {
    log = new MemoryLog();
    rg = await startRiskgate({ logger: createLogger('info', log) });
  });
  afterEach(() => rg.close());

  it('probes answer: alive, and ready while the store answers', async () => {
    expect((await request(rg.app).get('/healthz')).body).to.deep.equal({ status: 'ok' });
    expect((await request(rg.app).get('/readyz')).body).to.deep.equal({ status: 'ready' });
    await rg.riskgate.store.close();
    const notReady = await request(rg.app).get('/readyz');
    expect(notReady.status).to.equal(503);
    expect(notReady.body).to.deep.equal({ status: 'unavailable' });
  });

  it('sign-ins, decisions, detections and flow outcomes appear in /metrics', async () => {
    const user = await rg.addUser('bob', { password: 'password123' });
    const client = new TestClient(rg.app, IP.london);
    await client.signIn('bob', 'wrong password here');
    await client.signIn('bob', 'password123');
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    await client.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    await client.submit('/auth/flow/change-password', {
      newPassword: 'cobalt lighthouse 19',
      confirmPassword: 'cobalt lighthouse 19',
    });
    const text = (await request(rg.app).get('/metrics')).text;
    expect(text).to.match(/riskgate_sign_ins_total\{result="wrongPassword"\} 1/);
    expect(text).to.match(/riskgate_sign_ins_total\{result="interrupted"\} 1/);
    expect(text).to.match(/riskgate_decisions_total\{decision="requirePasswordChange"\} 1/);
    expect(text).to.match(/riskgate_detections_total\{type="leakedCredentials",level="high"\} 1/);
    expect(text).to.match(/riskgate_flow_outcomes_total\{flow="compromisedAccount",outcome="completed"\} 1/);
    expect(text).to.match(/riskgate_sign_in_duration_seconds_count 2/);
    expect(text).to.match(/riskgate_http_request_duration_seconds_count\{[^}]*route="\/auth\/sign-in"/);
  });

  it('every log line of a request carries its id, and no password or code is ever logged', async () => {
    const user = await rg.addUser('bob', { password: 'password123' });
    const client = new TestClient(rg.app, IP.london);
    await client.signIn('bob', 'password123');
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    const code = rg.totp(user.totpSecret!);
    await client.submit('/auth/flow/mfa', { code });
    const evaluated = await log.waitFor((line) => line.msg === 'sign-in evaluated');
    expect(evaluated.reqId).to.be.a('string');
    const completed = await log.waitFor(
      (line) => line.reqId === evaluated.reqId && line.msg === 'request completed',
    );
    expect((completed.req as { url: string }).url).to.equal('/auth/sign-in');
    const text = log.text();
    expect(text).to.not.contain('password123');
    expect(text).to.not.contain(code);
    expect(text).to.not.contain(client.cookies.get('rg.sid')!);
  });

  it('an incoming X-Request-Id is kept and echoed', async () => {
    const res = await request(rg.app).get('/auth/sign-in').set('X-Request-Id', 'lb-1234.abc');
    expect(res.headers['x-request-id']).to.equal('lb-1234.abc');
  });

  it('/metrics needs the bearer token when one is configured', async () => {
    const guarded = await startRiskgate({ metricsToken: 'a-long-metrics-token-123' });
    try {
      expect((await request(guarded.app).get('/metrics')).status).to.equal(404);
      expect(
        (await request(guarded.app).get('/metrics').set('Authorization', 'Bearer wrong-token-of-same-len'))
          .status,
      ).to.equal(404);
      const ok = await request(guarded.app)
        .get('/metrics')
        .set('Authorization', 'Bearer a-long-metrics-token-123');
      expect(ok.status).to.equal(200);
      expect(ok.text).to.contain('riskgate_sign_ins_total');
    } finally {
      await guarded.close();
    }
  });
});
