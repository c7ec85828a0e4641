/** How a sign-in appears in the policy pages and API: what an admin needs, nothing more. */
import type { SignInRecord } from '../../domain/signIn.js';

export function publicSignIn(record: SignInRecord) {
  const { context } = record;
  return {
    id: record.id,
    userId: record.userId,
    username: record.username,
    at: new Date(context.at).toISOString(),
    ip: context.ip,
    city: context.geo.city,
    country: context.geo.country,
    browser: context.device.browser,
    os: context.device.os,
    signInRisk: record.riskLevel,
    userRisk: record.userRiskLevel,
    decision: record.decision,
    outcome: record.outcome,
    reportOnly: record.reportOnly,
  };
}
