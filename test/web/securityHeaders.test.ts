import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import express, { type RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import request from 'supertest';
import { fixedHeaders, SECURITY_HEADER_OPTIONS } from '../../src/web/security.js';

/** Every response header, in the order and case sent, but the clock's. */
async function headersOf(middleware: RequestHandler): Promise<string[]> {
  const app = express(); // x-powered-by left on: removing it is part of what helmet does
  app.use(middleware);
  app.get('/', (_req, res) => void res.send('page'));
  const res = await request(app).get('/').expect(200);
  const raw = (res as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders;
  const pairs: string[] = [];
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.toLowerCase() !== 'date') pairs.push(`${raw[i]}: ${raw[i + 1]}`);
  return pairs;
}

describe('security headers worked out once (fixedHeaders)', () => {
  for (const [name, options] of [
    ["helmet's defaults (the demo app)", undefined],
    ["Riskgate's own pages (strict CSP, same-origin referrer)", SECURITY_HEADER_OPTIONS],
  ] as const) {
    it(`sends byte for byte the headers helmet sends, in the same order: ${name}`, async () => {
      const expected = await headersOf(helmet(options as HelmetOptions | undefined));
      const actual = await headersOf(fixedHeaders(options));
      expect(actual).to.deep.equal(expected);
      expect(actual.join('\n')).to.contain('Content-Security-Policy: ');
      expect(actual.join('\n').toLowerCase()).not.to.contain('x-powered-by');
    });
  }

  it('refuses, at startup, a CSP directive computed from the request or response', () => {
    const fromResponse: HelmetOptions = {
      contentSecurityPolicy: {
        directives: { scriptSrc: ["'self'", (_req, res) => `'nonce-${String(res.getHeader('x-nonce'))}'`] },
      },
    };
    expect(() => fixedHeaders(fromResponse)).to.throw(/helmet read response\.getHeader/);
    const fromRequest: HelmetOptions = {
      contentSecurityPolicy: {
        directives: { scriptSrc: ["'self'", (req) => `'nonce-${String(req.headers['x-nonce'])}'`] },
      },
    };
    expect(() => fixedHeaders(fromRequest)).to.throw(/helmet read request\.headers/);
  });

  it('refuses, at startup, a CSP directive that differs between responses without reading either', () => {
    const nonce = (): string => `'nonce-${randomBytes(16).toString('base64')}'`;
    const perResponse: HelmetOptions = {
      contentSecurityPolicy: { directives: { scriptSrc: ["'self'", nonce] } },
    };
    expect(() => fixedHeaders(perResponse)).to.throw(/per request/);
  });
});
