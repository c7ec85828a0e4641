/**
 * A signed-in session used from a browser other than the one it was issued to: the session cookie was
 * probably copied (malware, a shared machine). Judged when the session is used, not at sign-in.
 */
import type { DetectionDraft } from '../../domain/risk.js';

export function detectSessionAnomaly(
  issuedToDevice: string | undefined,
  presentedDevice: string | null,
  network: string,
): DetectionDraft | null {
  if (issuedToDevice === undefined || presentedDevice === issuedToDevice) return null;
  return {
    type: 'sessionAnomaly',
    level: 'medium',
    timing: 'realtime',
    scope: 'user',
    reason: 'A signed-in session was used from a different browser than the one it was issued to',
    evidence: { presentedDeviceCookie: presentedDevice !== null, network },
  };
}
