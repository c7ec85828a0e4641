/** The admin side's "exclude user from policy" action, over the policy service. */
import type { PolicyExclusions } from '../types.js';
import type { PolicyService } from '../../policy/service/service.js';

export class PolicyExclusionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyExclusionError';
  }
}

/** True when the user was added; false when already excluded; throws PolicyExclusionError when refused. */
export function policyExclusions(service: PolicyService): PolicyExclusions {
  return {
    async excludeUser(policy, userId, actor, reason) {
      const result = await service.excludeUser(policy, userId, actor, reason);
      if (!result.ok) throw new PolicyExclusionError(result.error.code, result.error.message);
      return result.value.changed;
    },
  };
}
