/**
 * Reasons shown to the end user on the risky sign-in page. They name what looked unusual in words
 * the user can check ("was that me in Berlin?") but never thresholds, scores or detector names,
 * which would teach an attacker what to avoid.
 */
import type { DetectionDraft } from '../domain/risk.js';
import { countryName } from '../signals/countries.js';

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function newLocation(draft: DetectionDraft): string {
  const country = text(draft.evidence?.country);
  const place = [text(draft.evidence?.city), country ? countryName(country) : null]
    .filter((p) => p)
    .join(', ');
  return place ? `A sign-in from a new location (${place})` : 'A sign-in from a new location';
}

function describe(draft: DetectionDraft): string {
  switch (draft.type) {
    case 'newCountry':
      return newLocation(draft);
    case 'unfamiliarFeatures':
      return 'A sign-in from a device or place you have not used before';
    case 'impossibleTravel':
      return 'Travel that is not physically possible since your last sign-in';
    case 'leakedCredentials':
      return 'Your password appears in a list of breached passwords';
    case 'userReportedSuspicious':
      return 'A recent sign-in was reported as not yours';
    case 'anonymousIp':
      return 'A sign-in through an anonymising network or VPN';
    default:
      return 'Unusual sign-in activity on your account';
  }
}

/** One reason per distinct kind of signal, in detector order. */
export function describeSignInRisk(drafts: readonly DetectionDraft[]): string[] {
  return [...new Set(drafts.map(describe))];
}
