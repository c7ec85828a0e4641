import type { PolicyScope } from './schema.js';

export interface PolicySubject {
  userId: string;
  username: string;
  groups: readonly string[];
}

/** Users are matched by id or username; an exclusion always wins over an inclusion. */
export function inScope(scope: PolicyScope, subject: PolicySubject): boolean {
  const named = (list: readonly string[]) => list.includes(subject.userId) || list.includes(subject.username);
  const inGroup = (list: readonly string[]) => subject.groups.some((group) => list.includes(group));
  if (named(scope.excludeUsers) || inGroup(scope.excludeGroups)) return false;
  if (scope.includeUsers === 'all') return true;
  return named(scope.includeUsers) || inGroup(scope.includeGroups);
}
