/**
 * The policies in the store: the configured ones are only the first-start defaults; afterwards admins
 * change them here. Every save is a compare-and-set on the version (a second admin saving over a
 * version they did not see gets a conflict, never a silent overwrite), is recorded with who, when and
 * why, and is passed to the audit hook.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { Policies } from '../schema.js';
import type { Store } from '../../storage/types.js';
import type { ActorRef } from '../../storage/adminTypes.js';
import type { AuditInput } from '../../admin/types.js';
import type { UserDirectory } from '../../domain/identity.js';
import { previewDays, previewImpact, type ImpactPreview } from './preview.js';
import { listReportOnly, reportOnlyQuery, type ReportOnlyPage } from './reportOnly.js';
import { PolicyCache } from './cache.js';
import { fromStored, type CurrentPolicies } from './current.js';
import { reasonField } from '../../admin/schemas.js';
import {
  fieldIssues,
  policiesEditSchema,
  policyName,
  policyVersion,
  type FieldIssue,
  type PolicyName,
} from './edit.js';

/** Who made a change: an admin in the console, an API token, or the command line. */
export type PolicyActor = ActorRef;

export type PolicyErrorCode = 'invalidPolicies' | 'invalidRequest' | 'versionConflict';

export interface PolicyError {
  code: PolicyErrorCode;
  message: string;
  issues: FieldIssue[];
  /** On a conflict: the version now in force, so the client can reload and merge. */
  current?: CurrentPolicies;
}

export type PolicyResult<T> = { ok: true; value: T } | { ok: false; error: PolicyError };

type PolicyAction = 'policy.update' | 'policy.excludeUser';

/** Records an admin action in the audit log (the admin side's AuditLog.record). */
export type PolicyAudit = (actor: ActorRef, input: AuditInput) => Promise<unknown>;

export interface PolicyServiceDeps {
  store: Pick<Store, 'policies' | 'identities'>;
  /** Groups of users whose old sign-ins did not keep them (impact preview). */
  directory: Pick<UserDirectory, 'findById'>;
  /** The configured policies: stored as version 1 on the first start, ignored afterwards. */
  defaults: Policies;
  /** How long an instance may use policies it read; another instance's save is seen within it. */
  cacheTtlMs: number;
  now: () => number;
  logger?: Logger;
  /** The admin audit log; the version history records who, when and why in any case. */
  audit?: PolicyAudit;
}

/** excludeUser only adds to a list, so re-applying it on a fresher version after a conflict is safe. */
const EXCLUDE_RETRIES = 5;

function invalid(code: PolicyErrorCode, message: string, issues: FieldIssue[] = []): PolicyResult<never> {
  return { ok: false, error: { code, message, issues } };
}

export class PolicyService {
  private readonly cache: PolicyCache;
  private auditSink: PolicyServiceDeps['audit'];

  constructor(private readonly deps: PolicyServiceDeps) {
    this.cache = new PolicyCache(() => this.current(), deps.cacheTtlMs, deps.now);
    this.auditSink = deps.audit;
  }

  /** Stores the defaults unless policies are stored already, and says so when the two differ. */
  async start(): Promise<CurrentPolicies> {
    const current = fromStored(
      await this.deps.store.policies.seedPolicies(this.deps.defaults, this.deps.now()),
    );
    if (current.version > 1 || !isDeepStrictEqual(current.policies, this.deps.defaults)) {
      this.deps.logger?.info(
        { version: current.version, changedBy: current.changedBy.name },
        'stored policies in force; the configured ones are first-start defaults only (edit them in the admin console or API)',
      );
    }
    this.cache.put(current);
    return current;
  }

  /** Where the admin audit log goes once the admin console is mounted. */
  setAudit(audit: PolicyServiceDeps['audit']): void {
    this.auditSink = audit;
  }

  /** The policies in force for a sign-in: from the cache, so a hit never touches the store. */
  effective(): Promise<Policies> {
    return this.cache.policies();
  }

  /** The latest stored version, read fresh (admin pages must show what a save would compare against). */
  async current(): Promise<CurrentPolicies> {
    const stored = await this.deps.store.policies.latestPolicies();
    return stored ? fromStored(stored) : this.start();
  }

  async history(limit: number): Promise<CurrentPolicies[]> {
    return (await this.deps.store.policies.policyHistory(limit)).map(fromStored);
  }

  validate(input: unknown): PolicyResult<Policies> {
    const parsed = policiesEditSchema.safeParse(input);
    if (parsed.success) return { ok: true, value: parsed.data };
    return invalid('invalidPolicies', 'the policies are not valid', fieldIssues(parsed.error));
  }

  /** Saves `policies` as the version after `version`; a conflict when someone saved in between. */
  async save(
    change: { policies: unknown; version: unknown },
    actor: PolicyActor,
    reason: unknown,
  ): Promise<PolicyResult<CurrentPolicies>> {
    const checked = this.validate(change.policies);
    if (!checked.ok) return checked;
    const version = policyVersion.safeParse(change.version);
    if (!version.success) return invalid('invalidRequest', 'version must be the version you edited');
    const why = reasonField.safeParse(reason);
    if (!why.success) return invalid('invalidRequest', 'a reason is required', fieldIssues(why.error));
    return this.store(checked.value, version.data, actor, why.data, 'policy.update', 'all');
  }

  /** Replays the last `days` days of sign-ins through the proposed policies, beside the current ones. */
  async preview(proposed: unknown, days: unknown): Promise<PolicyResult<ImpactPreview>> {
    const checked = this.validate(proposed);
    if (!checked.ok) return checked;
    const window = previewDays.safeParse(days);
    if (!window.success)
      return invalid('invalidRequest', 'days is not valid', fieldIssues(window.error, 'days'));
    const current = await this.current();
    const compare = { current: current.policies, currentVersion: current.version, proposed: checked.value };
    return { ok: true, value: await previewImpact(this.deps, compare, window.data, this.deps.now()) };
  }

  /** Sign-ins where a report-only policy recorded a decision (query as the console and API take it). */
  async reportOnly(query: unknown): Promise<PolicyResult<ReportOnlyPage>> {
    const parsed = reportOnlyQuery.safeParse(query);
    if (!parsed.success)
      return invalid('invalidRequest', 'the query is not valid', fieldIssues(parsed.error));
    return { ok: true, value: await listReportOnly(this.deps.store.policies, parsed.data, this.deps.now()) };
  }

  /**
   * Adds a user to a policy's exclusions (the admin's "exclude user from policy" action), on whatever
   * version is current. Already excluded: nothing is saved and the current version is returned.
   */
  async excludeUser(
    policy: PolicyName,
    userId: string,
    actor: PolicyActor,
    reason: string,
  ): Promise<PolicyResult<CurrentPolicies & { changed: boolean }>> {
    const name = policyName.safeParse(policy);
    if (!name.success) return invalid('invalidRequest', `unknown policy "${String(policy)}"`);
    const why = reasonField.safeParse(reason);
    if (!why.success) return invalid('invalidRequest', 'a reason is required', fieldIssues(why.error));
    const user = userId.trim();
    if (user.length === 0 || user.length > 200) return invalid('invalidRequest', 'userId is not valid');
    for (let attempt = 0; attempt < EXCLUDE_RETRIES; attempt++) {
      const current = await this.current();
      const scope = current.policies[name.data].scope;
      if (scope.excludeUsers.includes(user)) return { ok: true, value: { ...current, changed: false } };
      const next: Policies = structuredClone(current.policies);
      next[name.data].scope.excludeUsers.push(user);
      const saved = await this.store(
        next,
        current.version,
        actor,
        why.data,
        'policy.excludeUser',
        name.data,
        {
          userId: user,
        },
      );
      if (saved.ok) return { ok: true, value: { ...saved.value, changed: true } };
      if (saved.error.code !== 'versionConflict') return saved;
    }
    return invalid('versionConflict', 'the policies kept changing; try again');
  }

  private async store(
    policies: Policies,
    expectedVersion: number,
    actor: PolicyActor,
    reason: string,
    action: PolicyAction,
    target: string,
    extra: Record<string, unknown> = {},
  ): Promise<PolicyResult<CurrentPolicies>> {
    const stored = await this.deps.store.policies.savePolicies({
      expectedVersion,
      document: policies,
      changedBy: { id: actor.id, name: actor.name },
      reason,
      changedAt: this.deps.now(),
    });
    const audit = (result: 'ok' | 'refused', detail: Record<string, unknown>) =>
      this.auditSink?.(actor, {
        action,
        target: { type: 'policy', id: target },
        reason,
        result,
        detail: { ...extra, ...detail },
      });
    if (!stored) {
      const current = await this.current();
      const message = `the policies were changed (now version ${current.version}, by ${current.changedBy.name}) since you loaded version ${expectedVersion}; reload and apply your change again`;
      await audit('refused', { message, expectedVersion, currentVersion: current.version });
      return { ok: false, error: { code: 'versionConflict', message, issues: [], current } };
    }
    const saved = fromStored(stored);
    this.cache.put(saved);
    await audit('ok', { version: saved.version });
    return { ok: true, value: saved };
  }
}
