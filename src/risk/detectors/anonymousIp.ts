/**
 * Anonymous IP: the sign-in came through Tor, a VPN / anonymising proxy, or a hosting provider's
 * network (where residential users rarely are, and scripted attacks usually run). Medium: plenty of
 * people use VPNs legitimately, but the address hides where the attempt really comes from.
 * The feed lookup happens outside (IpFeeds); this module only turns its answer into a detection.
 */
import type { DetectionDraft } from '../../domain/risk.js';
import type { AnonymousKind } from '../../signals/feeds/feeds.js';
import type { Detector } from '../detector.js';

const REASONS: Record<AnonymousKind, string> = {
  tor: 'Signed in through Tor',
  vpn: 'Signed in through a VPN or anonymising proxy',
  hosting: "Signed in from a hosting provider's network",
};

export function detectAnonymousIp(ip: { anonymous: AnonymousKind | null }): DetectionDraft | null {
  if (ip.anonymous === null) return null;
  return {
    type: 'anonymousIp',
    level: 'medium',
    timing: 'realtime',
    scope: 'signIn',
    reason: REASONS[ip.anonymous],
    evidence: { kind: ip.anonymous },
  };
}

/**
 * The same check as a `Detector` over the sign-in's IP, for the real-time detector list. `lookup`
 * must be synchronous and in memory (e.g. `(ip) => feeds.lookup(ip)`), which keeps it pure.
 */
export function anonymousIpDetector(lookup: (ip: string) => { anonymous: AnonymousKind | null }): Detector {
  return {
    type: 'anonymousIp',
    detect({ context }) {
      const draft = detectAnonymousIp(lookup(context.ip));
      return draft ? [draft] : [];
    },
  };
}
