/**
 * What every page must pass where a person meets it: axe (no serious or critical violations), every
 * control reachable with Tab, no horizontal scroll at 360 px, and a screenshot in test-artifacts/.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { screenshotPath } from './browser.js';

// Page-side code below runs in the browser, where these exist.
interface Element {
  matches(selector: string): boolean;
  getAttribute(name: string): string | null;
  textContent: string | null;
}
declare const document: {
  documentElement: { scrollWidth: number; clientWidth: number };
  activeElement: Element | null;
  querySelectorAll(selector: string): ArrayLike<Element>;
};
declare const window: unknown;

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
// Controls hidden until a script shows them ("Show password") are not controls without JavaScript.
const FOCUSABLE = 'input:not([type=hidden]), button:not([hidden]), a[href], select, textarea';

/** Pages checked in this run, by name (each suite compares its own table in pages.ts at its end). */
export const checkedPages = new Set<string>();

export async function checkPage(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as { axe: { run: () => Promise<{ violations: { id: string; impact: string }[] }> } })
      .axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id);
  });
  expect(violations, `${name}: axe`).to.deep.equal([]);
  const scroll = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(scroll, `${name}: horizontal scroll at 360 px`).to.be.at.most(0);
  await tabReachesEveryControl(page, name);
  checkedPages.add(name);
}

/** Tabs through the page from the top: every input, button and link must take the focus once. */
async function tabReachesEveryControl(page: Page, name: string): Promise<void> {
  const describe = (selector: string) =>
    page.evaluate(
      (s) =>
        Array.from(document.querySelectorAll(s)).map(
          (e) =>
            `${e.getAttribute('name') ?? ''}|${e.getAttribute('href') ?? ''}|${(e.textContent ?? '').trim()}`,
        ),
      selector,
    );
  const controls = await describe(FOCUSABLE);
  const reached = new Set<string>();
  await page.evaluate(() => (document.activeElement as unknown as { blur?: () => void })?.blur?.());
  for (let i = 0; i < controls.length + 3; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      return e
        ? `${e.getAttribute('name') ?? ''}|${e.getAttribute('href') ?? ''}|${(e.textContent ?? '').trim()}`
        : '';
    });
    reached.add(focused);
  }
  expect(
    controls.filter((c) => !reached.has(c)),
    `${name}: not reachable with Tab`,
  ).to.deep.equal([]);
}
