import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { deviceIdOf } from '../../src/web/deviceCookie.js';

const ID = 'AbCdEfGhIjKlMnOpQrStUv'; // 22 base64url characters, as Riskgate issues them
const OTHER = 'ZyXwVuTsRqPoNmLkJiHgFe';

function appReading(secure: boolean) {
  const app = express();
  app.get('/', (req, res) => void res.json({ id: deviceIdOf(req, secure) }));
  return app;
}

async function idFor(cookie: string | null, secure = false): Promise<string | null> {
  const req = request(appReading(secure)).get('/');
  if (cookie !== null) req.set('Cookie', cookie);
  return ((await req.expect(200)).body as { id: string | null }).id;
}

describe('reading the device cookie', () => {
  it('finds it among other cookies, with or without spaces around the separators', async () => {
    expect(await idFor(`rg.device=${ID}`)).to.equal(ID);
    expect(await idFor(`theme=dark; rg.sid=s%3Aabc.def; rg.device=${ID}; lang=en`)).to.equal(ID);
    expect(await idFor(`theme=dark;rg.device=${ID};lang=en`)).to.equal(ID);
  });

  it('takes the first of two cookies of that name', async () => {
    expect(await idFor(`rg.device=${ID}; rg.device=${OTHER}`)).to.equal(ID);
  });

  it('does not take a cookie whose name only ends or starts with the name', async () => {
    expect(await idFor(`xrg.device=${ID}`)).to.equal(null);
    expect(await idFor(`rg.devices=${ID}`)).to.equal(null);
    expect(await idFor(`rg.device.old=${ID}; rg.device=${OTHER}`)).to.equal(OTHER);
  });

  it('is no id when absent, empty, malformed or badly percent-encoded', async () => {
    expect(await idFor(null)).to.equal(null);
    expect(await idFor('rg.sid=s%3Aabc')).to.equal(null);
    expect(await idFor('rg.device=')).to.equal(null);
    expect(await idFor('rg.device')).to.equal(null);
    expect(await idFor('rg.device=too-short')).to.equal(null);
    expect(await idFor('rg.device=%E0%A4%A')).to.equal(null);
    expect(await idFor(`rg.device=${ID}=`)).to.equal(null);
  });

  it('decodes a percent-encoded id', async () => {
    expect(await idFor(`rg.device=${ID.slice(0, 21)}%${ID.charCodeAt(21).toString(16)}`)).to.equal(ID);
  });

  it('with Secure cookies reads only the __Host- prefixed name', async () => {
    expect(await idFor(`__Host-rg.device=${ID}`, true)).to.equal(ID);
    expect(await idFor(`rg.device=${ID}`, true)).to.equal(null);
    expect(await idFor(`rg.device=${OTHER}; __Host-rg.device=${ID}`, true)).to.equal(ID);
  });
});
