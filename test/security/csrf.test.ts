import { expect } from 'chai';
import request from 'supertest';
import { startLiveServer, type LiveServer } from './harness.js';
import { SERVER_OPTIONS } from './journeys.js';
import {
  STATE_CHANGING_ROUTES,
  at,
  hiddenFieldsFor,
  legitimateBody,
  startJourney,
  type StateChangingRoute,
} from './routes.js';
import { IP } from '../helpers/riskgate.js';

/**
 * Every state-changing route refuses a post without the session's own CSRF token, whichever way the
 * token is missing, and changes nothing; the same post with the token does act (so each refusal is
 * meaningful). The attacker has a session and a valid token of their own: not the victim's.
 */
describe('security: CSRF on every state-changing route', function () {
  this.timeout(60_000);
  let s: LiveServer;
  afterEach(() => s?.close());

  async function prepare(route: StateChangingRoute) {
    s = await startLiveServer(SERVER_OPTIONS[route.server]);
    const journey = await startJourney(route.journey, s);
    const hidden = hiddenFieldsFor(route, journey.client.last.html, journey);
    expect(hidden, `${route.name}: no form posting to ${route.action} on the journey's page`).to.not.equal(
      null,
    );
    return { journey, hidden: hidden! };
  }

  for (const route of STATE_CHANGING_ROUTES) {
    it(`${route.name}: refused without the session's token, and acts with it`, async () => {
      const { journey, hidden } = await prepare(route);
      const { client } = journey;
      const attacker = s.client(IP.paris);
      await attacker.get('/auth/sign-in');
      const attackersToken = attacker.hidden('_csrf')!;
      const before = await s.snapshot();

      const forged: [string, () => Promise<{ status: number }>][] = [
        [
          'no token',
          () =>
            client.postRaw(
              at(route.action, journey),
              legitimateBody(route, journey, hidden, { _csrf: { kind: 'missing' } }),
              { follow: false },
            ),
        ],
        [
          "the attacker's own token",
          () =>
            client.postRaw(
              at(route.action, journey),
              legitimateBody(route, journey, hidden, { _csrf: { kind: 'text', value: attackersToken } }),
              { follow: false },
            ),
        ],
        [
          'a garbled token',
          () =>
            client.postRaw(
              at(route.action, journey),
              legitimateBody(route, journey, hidden, { _csrf: { kind: 'text', value: `${hidden._csrf}x` } }),
              { follow: false },
            ),
        ],
        [
          'the token in a header, not the form',
          async () => {
            const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
            return request(s.url)
              .post(at(route.action, journey))
              .set('Cookie', cookie)
              .set('X-CSRF-Token', hidden._csrf!)
              .set('X-Forwarded-For', client.ip)
              .type('form')
              .send(legitimateBody(route, journey, hidden, { _csrf: { kind: 'missing' } }));
          },
        ],
        [
          // An unreadable body cannot carry a token; the route must refuse it rather than act.
          'an oversized body (no readable token)',
          () =>
            client.postRaw(
              at(route.action, journey),
              `${legitimateBody(route, journey, hidden, { _csrf: { kind: 'missing' } })}&junk=${'x'.repeat(20_000)}`,
              { follow: false },
            ),
        ],
        [
          'a GET with the fields in the query string',
          () =>
            client.get(`${at(route.action, journey)}?${legitimateBody(route, journey, hidden)}`, {
              follow: false,
            }),
        ],
      ];
      for (const [how, send] of forged) {
        const answer = await send();
        // A GET may show the page; a post must be refused (403, 400) or redirected, never a 5xx.
        if (how.startsWith('a GET')) expect(answer.status, `${how}: status`).to.be.below(500);
        else expect(answer.status, `${how}: status`).to.be.within(300, 499);
        expect(await s.snapshot(), `${how}: the store changed`).to.deep.equal(before);
      }

      // The legitimate post (page reloaded: hidden fields as rendered now) changes state.
      await client.get(at(route.page, journey));
      const fresh = hiddenFieldsFor(route, client.last.html, journey) ?? hidden;
      const accepted = await client.postRaw(
        at(route.action, journey),
        legitimateBody(route, journey, fresh),
        {
          follow: false,
        },
      );
      // Accepted, not refused: an admin action the service refuses (409) is audited, and the changed
      // audit log alone must not pass for the route acting.
      expect(accepted.status, 'the legitimate post was refused').to.be.below(400);
      expect(
        await s.snapshot(),
        'the legitimate post changed nothing: the refusals above prove nothing',
      ).to.not.deep.equal(before);
    });
  }

  it('a token is 256 random bits: 64 hex characters, different for each session', async () => {
    s = await startLiveServer();
    const tokens = [];
    for (const ip of [IP.london, IP.paris]) {
      const client = s.client(ip);
      await client.get('/auth/sign-in');
      tokens.push(client.hidden('_csrf'));
    }
    for (const token of tokens) expect(token).to.match(/^[0-9a-f]{64}$/);
    expect(tokens[0]).to.not.equal(tokens[1]);
  });
});
