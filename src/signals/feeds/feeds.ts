/**
 * The IP intelligence feeds, one plain-text file per list in a directory (`<dir>/tor.txt`, ...).
 * They are loaded into memory once so the per-sign-in lookup is synchronous and cannot fail: the
 * anonymousIp / maliciousIp detectors stay pure, and a missing feed only means "nothing listed".
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { IpRangeSet } from './ipSet.js';

export const FEED_NAMES = ['tor', 'vpn', 'hosting', 'malicious'] as const;
export type FeedName = (typeof FEED_NAMES)[number];
export type AnonymousKind = 'tor' | 'vpn' | 'hosting';

export interface IpLookup {
  anonymous: AnonymousKind | null;
  malicious: boolean;
}

export interface FeedCount {
  ranges: number;
  invalidLines: number;
}

/** Most specific anonymity first: a Tor exit often sits in a hosting range too, and says more. */
const ANONYMOUS_ORDER: readonly AnonymousKind[] = ['tor', 'vpn', 'hosting'];

export function feedFile(dir: string, name: FeedName): string {
  return path.join(dir, `${name}.txt`);
}

async function readFeed(file: string): Promise<IpRangeSet> {
  try {
    return IpRangeSet.fromText(await readFile(file, 'utf8'));
  } catch (error) {
    // Not every deployment subscribes to every list. Other errors (permissions, a directory in
    // the file's place) are configuration mistakes and are surfaced at startup instead.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new IpRangeSet();
    throw error;
  }
}

export class IpFeeds {
  private constructor(private readonly sets: Record<FeedName, IpRangeSet>) {}

  static async load(dir: string): Promise<IpFeeds> {
    const sets = await Promise.all(FEED_NAMES.map((name) => readFeed(feedFile(dir, name))));
    return new IpFeeds(
      Object.fromEntries(FEED_NAMES.map((name, i) => [name, sets[i]!])) as Record<FeedName, IpRangeSet>,
    );
  }

  /** Feeds built in memory (tests, or a caller that fetched lists some other way). */
  static fromSets(sets: Partial<Record<FeedName, IpRangeSet>>): IpFeeds {
    const all = Object.fromEntries(FEED_NAMES.map((name) => [name, sets[name] ?? new IpRangeSet()]));
    return new IpFeeds(all as Record<FeedName, IpRangeSet>);
  }

  /** No feeds configured: every lookup is clean. */
  static empty(): IpFeeds {
    return IpFeeds.fromSets({});
  }

  lookup(ip: string): IpLookup {
    const anonymous = ANONYMOUS_ORDER.find((kind) => this.sets[kind].has(ip)) ?? null;
    return { anonymous, malicious: this.sets.malicious.has(ip) };
  }

  /** Per-feed sizes for the startup log ("tor: 1200 ranges, 0 invalid lines"). */
  counts(): Record<FeedName, FeedCount> {
    const entries = FEED_NAMES.map((name) => {
      const set = this.sets[name];
      return [name, { ranges: set.size, invalidLines: set.invalidLines }] as const;
    });
    return Object.fromEntries(entries) as Record<FeedName, FeedCount>;
  }
}
