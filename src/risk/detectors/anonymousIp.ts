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

/** The real-time detector: the sign-in's address in the anonymiser feeds. */
export const anonymousIp: Detector = {
  type: 'anonymousIp',
  detect({ signals }) {
    const draft = signals ? detectAnonymousIp(signals.ip) : null;
    return draft ? [draft] : [];
  },
};
