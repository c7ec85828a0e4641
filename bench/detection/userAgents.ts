/**
 * Realistic user-agent strings and how they change over time. Chrome, Edge and Firefox ship a major
 * version every four weeks (their 2025 calendars: Chrome 134 and Firefox 136 on 4 March 2025) and
 * each device picks it up after its own lag; Safari and iOS move with Apple's point releases. Chrome's
 * reduced UA hides the OS version ("Windows NT 10.0", "Android 10; K"), so many users share one
 * string, as in the wild.
 */
import { pick, weighted, type Rng } from './random.js';

const DAY = 86_400_000;
const CHROME_134 = Date.UTC(2025, 2, 4);
const FIREFOX_136 = Date.UTC(2025, 2, 4);
const RELEASE_CYCLE = 28 * DAY;
/** Apple point releases (Safari and iOS share the number): [date, "18.4"]. */
const APPLE_RELEASES: readonly (readonly [number, string])[] = [
  [Date.UTC(2024, 9, 28), '18.1'],
  [Date.UTC(2024, 11, 11), '18.2'],
  [Date.UTC(2025, 0, 27), '18.3'],
  [Date.UTC(2025, 2, 31), '18.4'],
  [Date.UTC(2025, 4, 12), '18.5'],
  [Date.UTC(2025, 6, 29), '18.6'],
];

export type Platform = 'Windows' | 'macOS' | 'iOS' | 'Android' | 'Linux';
export type BrowserName = 'Chrome' | 'Edge' | 'Firefox' | 'Safari' | 'Samsung';

export interface BrowserSetup {
  platform: Platform;
  browser: BrowserName;
  /** Android phone model for Samsung Internet's UA ("SM-S918B"). */
  model?: string;
}

function chromeMajor(at: number): number {
  return 134 + Math.floor((at - CHROME_134) / RELEASE_CYCLE);
}

function firefoxMajor(at: number): number {
  return 136 + Math.floor((at - FIREFOX_136) / RELEASE_CYCLE);
}

function appleVersion(at: number): string {
  let version = APPLE_RELEASES[0]![1];
  for (const [date, v] of APPLE_RELEASES) if (date <= at) version = v;
  return version;
}

/** Samsung Internet ships every ~2 months on an older Chromium. */
function samsungVersion(at: number): { own: string; chromium: number } {
  const step = Math.floor((at - Date.UTC(2025, 0, 15)) / (60 * DAY));
  return { own: `${27 + step}.0`, chromium: 125 + 2 * step };
}

/** The UA string a device shows at `at`, having updated `lagDays` after each release. */
export function userAgentOf(setup: BrowserSetup, at: number, lagDays = 0): string {
  const t = at - lagDays * DAY;
  const chrome = chromeMajor(t);
  const firefox = firefoxMajor(t);
  const apple = appleVersion(t);
  const webkit = 'AppleWebKit/537.36 (KHTML, like Gecko)';
  switch (setup.platform) {
    case 'Windows':
      if (setup.browser === 'Firefox')
        return `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${firefox}.0) Gecko/20100101 Firefox/${firefox}.0`;
      if (setup.browser === 'Edge')
        return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${webkit} Chrome/${chrome}.0.0.0 Safari/537.36 Edg/${chrome}.0.0.0`;
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${webkit} Chrome/${chrome}.0.0.0 Safari/537.36`;
    case 'macOS':
      if (setup.browser === 'Firefox')
        return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:${firefox}.0) Gecko/20100101 Firefox/${firefox}.0`;
      if (setup.browser === 'Safari')
        return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${apple} Safari/605.1.15`;
      if (setup.browser === 'Edge')
        return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${webkit} Chrome/${chrome}.0.0.0 Safari/537.36 Edg/${chrome}.0.0.0`;
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${webkit} Chrome/${chrome}.0.0.0 Safari/537.36`;
    case 'iOS': {
      const ios = apple.replace('.', '_');
      if (setup.browser === 'Chrome')
        return `Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/${chrome}.0.6998.99 Mobile/15E148 Safari/604.1`;
      return `Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${apple} Mobile/15E148 Safari/604.1`;
    }
    case 'Android':
      if (setup.browser === 'Firefox')
        return `Mozilla/5.0 (Android 14; Mobile; rv:${firefox}.0) Gecko/${firefox}.0 Firefox/${firefox}.0`;
      if (setup.browser === 'Samsung') {
        const s = samsungVersion(t);
        return `Mozilla/5.0 (Linux; Android 14; SAMSUNG ${setup.model ?? 'SM-S918B'}) ${webkit} SamsungBrowser/${s.own} Chrome/${s.chromium}.0.0.0 Mobile Safari/537.36`;
      }
      return `Mozilla/5.0 (Linux; Android 10; K) ${webkit} Chrome/${chrome}.0.0.0 Mobile Safari/537.36`;
    case 'Linux':
      if (setup.browser === 'Firefox')
        return `Mozilla/5.0 (X11; Linux x86_64; rv:${firefox}.0) Gecko/20100101 Firefox/${firefox}.0`;
      return `Mozilla/5.0 (X11; Linux x86_64) ${webkit} Chrome/${chrome}.0.0.0 Safari/537.36`;
  }
}

/** A computer's browser, by rough desktop market share. */
export function computerSetup(rng: Rng): BrowserSetup {
  const platform = weighted<Platform>(rng, [
    ['Windows', 0.66],
    ['macOS', 0.34],
  ]);
  const browser =
    platform === 'Windows'
      ? weighted<BrowserName>(rng, [
          ['Chrome', 0.66],
          ['Edge', 0.24],
          ['Firefox', 0.1],
        ])
      : weighted<BrowserName>(rng, [
          ['Safari', 0.48],
          ['Chrome', 0.42],
          ['Firefox', 0.06],
          ['Edge', 0.04],
        ]);
  return { platform, browser };
}

const SAMSUNG_MODELS = ['SM-S918B', 'SM-A546B', 'SM-S911B', 'SM-A155F', 'SM-G991B'];

/** A phone's browser, by rough mobile market share. */
export function phoneSetup(rng: Rng): BrowserSetup {
  const platform = weighted<Platform>(rng, [
    ['iOS', 0.45],
    ['Android', 0.55],
  ]);
  if (platform === 'iOS') {
    const browser = weighted<BrowserName>(rng, [
      ['Safari', 0.85],
      ['Chrome', 0.15],
    ]);
    return { platform, browser };
  }
  const browser = weighted<BrowserName>(rng, [
    ['Chrome', 0.78],
    ['Samsung', 0.17],
    ['Firefox', 0.05],
  ]);
  return browser === 'Samsung'
    ? { platform, browser, model: pick(rng, SAMSUNG_MODELS) }
    : { platform, browser };
}

/** A common, current setup: what an attacker who knows nothing about the victim would look like. */
export function commonSetup(rng: Rng): BrowserSetup {
  return rng() < 0.6 ? computerSetup(rng) : phoneSetup(rng);
}

/** A setup with the given browser family on a platform that family runs on (targeted attacker). */
export function setupWithBrowser(rng: Rng, browser: BrowserName): BrowserSetup {
  const platforms: Record<BrowserName, Platform[]> = {
    Chrome: ['Windows', 'Windows', 'macOS', 'Android'],
    Edge: ['Windows'],
    Firefox: ['Windows', 'macOS', 'Linux'],
    Safari: ['macOS', 'iOS'],
    Samsung: ['Android'],
  };
  const platform = pick(rng, platforms[browser]);
  return browser === 'Samsung'
    ? { platform, browser, model: pick(rng, SAMSUNG_MODELS) }
    : { platform, browser };
}

/** Anything at all, old or odd (naive attacker: a random UA from a list, tools included). */
export function randomUserAgent(rng: Rng, at: number): string {
  const roll = rng();
  if (roll < 0.06)
    return pick(rng, ['python-requests/2.31.0', 'curl/8.5.0', 'okhttp/4.12.0', 'Go-http-client/1.1']);
  if (roll < 0.2) {
    const v = 90 + Math.floor(rng() * 40);
    return pick(rng, [
      `Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
      `Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 OPR/${v - 14}.0.0.0`,
      `Mozilla/5.0 (Linux; Android 9; SM-J730F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`,
    ]);
  }
  const lagDays = Math.floor(rng() * 400);
  const setup =
    rng() < 0.15
      ? { platform: 'Linux' as const, browser: pick(rng, ['Chrome', 'Firefox'] as const) }
      : commonSetup(rng);
  return userAgentOf(setup, at, lagDays);
}
