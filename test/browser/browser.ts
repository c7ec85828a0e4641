/**
 * Debian's chromium driven by playwright-core (no browser download). Outside CI a machine without
 * chromium skips the browser suites loudly; in CI a missing browser is a failure.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Express } from 'express';
import { startRiskgate, type TestRiskgate } from '../helpers/riskgate.js';
import type { RiskgateOptions } from '../../src/riskgate.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts', 'browser');

export function browserAvailable(context: Mocha.Context): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true')
    throw new Error(`chromium not found at ${CHROMIUM}: CI must install it (.ci/run does)`);
  console.warn(`\n  !!! SKIPPING browser tests: no chromium at ${CHROMIUM} (run: npm run test:setup)\n`);
  context.skip();
  return false;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function listen(app: Express): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function screenshotPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, `${name}.png`);
}

export interface BrowserFixture {
  rg: TestRiskgate;
  browser: Browser;
  url: string;
  /** A new page (390 px wide unless told) whose requests come from `ip` (the server trusts loopback proxies). */
  page(ip: string, viewport?: { width: number; height: number }): Promise<Page>;
  /**
   * A new page at phone width (360 px) from `ip`, axe injectable (openPhonePage); `javaScriptEnabled:
   * false` for the no-JavaScript walks. Its context is closed after the test.
   */
  phonePage(ip: string, options?: { javaScriptEnabled?: boolean }): Promise<Page>;
}

/**
 * Registers hooks that give each test a fresh Riskgate (started with `options`, or what the function
 * returns when the test starts: values made by earlier hooks, such as an SMTP server) served over HTTP,
 * and a fresh chromium. Every page's context is closed after the test, then the browser and the server.
 */
export function useBrowserFixture(
  options: RiskgateOptions | (() => RiskgateOptions) = {},
): () => BrowserFixture {
  let fixture: BrowserFixture | null = null;
  let server: Server | null = null;
  const contexts: BrowserContext[] = [];
  beforeEach(async function () {
    if (!browserAvailable(this)) return;
    const rg = await startRiskgate(typeof options === 'function' ? options() : options);
    const listening = await listen(rg.app);
    server = listening.server;
    const browser = await launch();
    const page = async (ip: string, viewport = { width: 390, height: 844 }) => {
      const context = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': ip }, viewport });
      contexts.push(context);
      return context.newPage();
    };
    const phonePage = (ip: string, pageOptions: { javaScriptEnabled?: boolean } = {}) =>
      openPhonePage(browser, contexts, ip, pageOptions);
    fixture = { rg, browser, url: listening.url, page, phonePage };
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await fixture?.browser.close();
    server?.close();
    await fixture?.rg.close();
    fixture = null;
    server = null;
  });
  return () => fixture!;
}

/**
 * A new browser context at phone width (360 px) from `ip`, kept in `contexts` for the caller to close.
 * bypassCSP lets the suites inject axe; the pages' own CSP is tested elsewhere.
 */
export async function openPhonePage(
  browser: Browser,
  contexts: BrowserContext[],
  ip: string,
  options: { javaScriptEnabled?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({
    extraHTTPHeaders: { 'X-Forwarded-For': ip },
    viewport: { width: 360, height: 740 },
    bypassCSP: true,
    ...options,
  });
  contexts.push(context);
  return context.newPage();
}

/** Opens `path` (a sign-in form, or a page that shows one) and signs in with the labelled fields. */
export async function signInThroughForm(page: Page, address: string, username: string, password: string) {
  await page.goto(address);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
