/** A stored policies version as the rest of Riskgate sees it: validated, with who changed it and why. */
import { policiesSchema, type Policies } from '../schema.js';
import type { StoredPolicies } from '../../storage/types.js';

export interface CurrentPolicies {
  version: number;
  policies: Policies;
  changedBy: { id: string; name: string };
  changedAt: number;
  reason: string;
}

/**
 * Every stored document was validated when saved; validating again on read fills in fields added by
 * later Riskgate versions and refuses, loudly, a document this version cannot understand.
 */
export function fromStored(stored: StoredPolicies): CurrentPolicies {
  const parsed = policiesSchema.safeParse(stored.document);
  if (!parsed.success) {
    throw new Error(`stored policies version ${stored.version} are not valid: ${parsed.error.message}`);
  }
  return {
    version: stored.version,
    policies: parsed.data,
    changedBy: stored.changedBy,
    changedAt: stored.changedAt,
    reason: stored.reason,
  };
}
