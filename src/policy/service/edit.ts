/**
 * What an admin may save: a complete policies document (no defaults, so a form or API client that
 * leaves a field out gets an error instead of silently resetting it).
 */
import { z } from 'zod';
import { policyMode, type Policies } from '../schema.js';

export const POLICY_NAMES = ['signInRisk', 'userRisk', 'mfaRegistration'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
export const policyName = z.enum(POLICY_NAMES);

const threshold = z.enum(['low', 'medium', 'high', 'off']);
/** A user id, username or group name. */
const member = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const members = z
  .array(member)
  .max(1000, 'at most 1000 entries')
  .transform((list) => [...new Set(list)]);

const scope = z
  .object({
    includeUsers: z.union([z.literal('all'), members]),
    includeGroups: members,
    excludeUsers: members,
    excludeGroups: members,
  })
  .strict();

export const policiesEditSchema = z
  .object({
    signInRisk: z.object({ mode: policyMode, scope, mfaAt: threshold, blockAt: threshold }).strict(),
    userRisk: z.object({ mode: policyMode, scope, passwordChangeAt: threshold, blockAt: threshold }).strict(),
    mfaRegistration: z
      .object({
        mode: policyMode,
        scope,
        graceDays: z.number().int('must be a whole number of days').min(0).max(30),
      })
      .strict(),
    unregisteredUsers: z.enum(['block']).default('block'),
  })
  .strict() satisfies z.ZodType<Policies, unknown>;

export const policyVersion = z.number().int().min(0);

export interface FieldIssue {
  /** Dotted path of the field, e.g. "signInRisk.scope.excludeUsers.2". */
  field: string;
  message: string;
}

/** `root` names the field when the value itself (not one of its fields) is wrong. */
export function fieldIssues(error: z.ZodError, root = '(document)'): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.join('.') || root,
    message: issue.message,
  }));
}
