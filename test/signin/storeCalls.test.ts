/**
 * How many store round trips one allowed sign-in makes, counted through the real store on every
 * backend. An exact count on purpose: a repeated read or an unbatched counter added later fails here
 * instead of silently slowing every sign-in (docs/benchmarks.md, sign-in section).
 */
import { expect } from 'chai';
import { describeOnEveryBackend } from '../helpers/backends.js';
import { TestClient } from '../helpers/client.js';
import { IP, MINUTE } from '../helpers/riskgate.js';
import { countingStore, tally, type CountingStore } from '../helpers/countingStore.js';

let counting: CountingStore | null = null;

describeOnEveryBackend(
  'store calls per sign-in',
  {},
  (rg) => {
    it('an allowed sign-in from a familiar browser makes 6 store calls, each read and write once', async () => {
      const user = await rg().addUser('alice', { mfa: true });
      const browser = new TestClient(rg().app, IP.london);
      // The first sign-in teaches Riskgate this browser and place; the second one is the common case.
      expect((await browser.signIn('alice', user.password)).status).to.equal(200);
      await browser.postRaw('/auth/sign-out', { _csrf: browser.hidden('_csrf')! });
      rg().clock.advance(10 * MINUTE);
      await browser.get('/auth/sign-in');

      counting!.reset();
      const answer = await browser.submit(
        '/auth/sign-in',
        { username: 'alice', password: user.password },
        {},
        {
          follow: false,
        },
      );
      expect(answer.status).to.equal(303);
      expect(answer.location).to.equal('/');
      expect(tally(counting!.calls)).to.deep.equal({
        // Before the password check: the user with everything the evaluation reads about them, in one
        // call (familiar features for the lockout bucket and the detectors, the last good sign-in,
        // the identity, the active detections, the population).
        'evaluation.readForSignIn': 1,
        // The throttle counts, the lockout check and the detectors' counter reads: one batch.
        'counters.apply': 1,
        // Stored once, complete with its decision, learned (familiar values, population counts) and
        // its success counters written, in one call before the answer.
        'evaluation.recordEvaluated': 1,
        // The session with the CSRF token is read, replaced by a new id (regenerated) and saved once.
        'sessions.get': 1,
        'sessions.destroy': 1,
        'sessions.set': 1,
      });
    });
  },
  (store) => {
    counting = countingStore(store);
    return counting.store;
  },
);
