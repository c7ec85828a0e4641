/**
 * A regenerated session is stored once (saveRegenerated), and still stored again when something
 * changes it later in the same request. Real express-session over the real SQLite session store.
 */
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import type { Store } from '../../src/storage/types.js';
import { createSessionMiddleware, regenerate, saveRegenerated } from '../../src/web/session.js';
import { countingStore, type CountingStore } from '../helpers/countingStore.js';

function appOver(store: Store, changeAfterSave: boolean) {
  const app = express();
  app.use(
    createSessionMiddleware({
      store: store.sessions,
      secrets: ['a session secret that is long enough for tests'],
      secure: false,
      lifetime: { maxAgeMs: 60_000, idleMs: 0 },
      now: Date.now,
      onStoreError: (_req, res) => void res.status(503).end(),
    }),
  );
  app.post('/sign-in', async (req, res) => {
    await regenerate(req);
    req.session.riskgate = { userId: 'u1', username: 'alice', authAt: Date.now() };
    await saveRegenerated(req);
    if (changeAfterSave) req.session.riskgate = { ...req.session.riskgate, signInId: 'later' };
    res.redirect(303, '/');
  });
  app.get('/whoami', (req, res) => void res.json(req.session.riskgate ?? null));
  return app;
}

describe('saving a regenerated session', () => {
  let counting: CountingStore;
  beforeEach(() => {
    counting = countingStore(openSqliteStore({ file: ':memory:' }));
  });
  afterEach(() => counting.store.close());

  async function signInAndRead(changeAfterSave: boolean) {
    const app = appOver(counting.store, changeAfterSave);
    const answer = await request(app).post('/sign-in');
    const sets = counting.calls.filter((call) => call === 'sessions.set').length;
    const cookie = (answer.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const who = await request(app).get('/whoami').set('Cookie', cookie);
    return { sets, session: who.body as Record<string, unknown> };
  }

  it('writes it to the store once, before the answer, and the next request finds it', async () => {
    const { sets, session } = await signInAndRead(false);
    expect(sets).to.equal(1);
    expect(session).to.include({ userId: 'u1', username: 'alice' }).and.not.have.property('signInId');
  });

  it('writes it again at the end of the request when it changed after the save', async () => {
    const { sets, session } = await signInAndRead(true);
    expect(sets).to.equal(2);
    expect(session).to.include({ userId: 'u1', username: 'alice', signInId: 'later' });
  });
});
