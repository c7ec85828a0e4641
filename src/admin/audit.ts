/** The audit log service: every admin action is appended here with who, when, what, why and result. */
import type { ActorRef, AuditEntry, AuditQuery } from '../storage/adminTypes.js';
import type { Store } from '../storage/types.js';
import type { AuditFn, AuditInput } from './types.js';
import type { AuditQueryInput } from './schemas.js';

export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  record(actor: ActorRef, input: AuditInput): Promise<AuditEntry> {
    return this.store.audit.appendAudit({
      at: this.now(),
      actor,
      action: input.action,
      target: { type: input.target.type, id: input.target.id, label: input.target.label ?? null },
      reason: input.reason ?? null,
      result: input.result ?? 'ok',
      detail: input.detail ?? {},
    });
  }

  /** An audit function bound to one actor (what handlers find in res.locals.audit). */
  bind(actor: ActorRef): AuditFn {
    return (input) => this.record(actor, input);
  }

  list(query: AuditQuery): Promise<AuditEntry[]> {
    return this.store.audit.listAudit(query);
  }

  /** One page for the console and the API: entries and the `before` cursor of the next page. */
  async page(query: AuditQueryInput): Promise<{ entries: AuditEntry[]; next: number | null }> {
    const { actor, action, target, result, before, limit } = query;
    const entries = await this.list({ actorId: actor, action, targetId: target, result, before, limit });
    return { entries, next: entries.length === limit ? entries[entries.length - 1]!.seq : null };
  }
}
