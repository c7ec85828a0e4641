/**
 * The reports behind the console and the API: risky users, one user's page, risky sign-ins,
 * detections and MFA registration status. Paging, filters and sort run in the store (indexed); this
 * only adds usernames for the page's rows and the grace-period arithmetic.
 */
import type { UserDirectory } from '../domain/identity.js';
import { hasMfa } from '../domain/identity.js';
import type { Policies } from '../policy/schema.js';
import type { MfaStatus } from '../storage/adminTypes.js';
import type { Store } from '../storage/types.js';
import type { DetectionsQuery, MfaRegistrationQuery, RiskySignInsQuery, RiskyUsersQuery } from './schemas.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ReportDeps {
  store: Store;
  directory: UserDirectory;
  policies: () => Promise<Policies>;
  now: () => number;
}

/** The store's window for a 1-based page. */
function window(query: { page: number; perPage: number }) {
  return { offset: (query.page - 1) * query.perPage, limit: query.perPage };
}

function pageInfo(total: number, page: number, perPage: number) {
  return { total, page, perPage, pages: Math.max(1, Math.ceil(total / perPage)) };
}

export class Reports {
  constructor(private readonly deps: ReportDeps) {}

  /** Usernames for a page of rows (at most one page of primary-key lookups). */
  private async names(userIds: (string | null)[]): Promise<Record<string, string | null>> {
    const unique = [...new Set(userIds.filter((id): id is string => id !== null))];
    const users = await Promise.all(unique.map((id) => this.deps.directory.findById(id)));
    return Object.fromEntries(unique.map((id, i) => [id, users[i]?.username ?? null]));
  }

  async riskyUsers(query: RiskyUsersQuery) {
    const result = await this.deps.store.reports.riskyUsers({
      levels: query.level,
      states: query.state,
      sort: query.sort,
      order: query.order,
      ...window(query),
    });
    const names = await this.names(result.rows.map((r) => r.userId));
    return {
      ...pageInfo(result.total, query.page, query.perPage),
      users: result.rows.map((identity) => ({
        userId: identity.userId,
        username: names[identity.userId] ?? null,
        riskLevel: identity.riskLevel,
        riskState: identity.riskState,
        blocked: identity.blocked,
        updatedAt: identity.updatedAt,
      })),
    };
  }

  async riskySignIns(query: RiskySignInsQuery) {
    const result = await this.deps.store.reports.riskySignIns({
      levels: query.level,
      states: query.state,
      userId: query.user,
      order: query.order,
      ...window(query),
    });
    return { ...pageInfo(result.total, query.page, query.perPage), signIns: result.rows };
  }

  async detections(query: DetectionsQuery) {
    const result = await this.deps.store.reports.detectionsPage({
      status: query.status,
      types: query.type,
      levels: query.level,
      userId: query.user,
      order: query.order,
      ...window(query),
    });
    const names = await this.names(result.rows.map((d) => d.userId));
    return {
      ...pageInfo(result.total, query.page, query.perPage),
      detections: result.rows.map((d) => ({ ...d, username: names[d.userId] ?? null })),
    };
  }

  /** Registered / in grace (with days left) / not registered, from the MFA registration policy's grace days. */
  async mfaRegistration(query: MfaRegistrationQuery) {
    const now = this.deps.now();
    const graceMs = (await this.deps.policies()).mfaRegistration.graceDays * DAY_MS;
    const result = await this.deps.store.reports.mfaRegistration({
      status: query.status,
      graceStartedAfter: now - graceMs,
      ...window(query),
    });
    return {
      ...pageInfo(result.total, query.page, query.perPage),
      counts: result.counts,
      graceDays: graceMs / DAY_MS,
      users: result.rows.map((row) => {
        const inGrace = !row.registered && row.promptedAt !== null && row.promptedAt > now - graceMs;
        const status: MfaStatus = row.registered ? 'registered' : inGrace ? 'inGrace' : 'notRegistered';
        return {
          userId: row.userId,
          username: row.username,
          status,
          promptedAt: row.promptedAt,
          daysLeft: inGrace ? Math.ceil((row.promptedAt! + graceMs - now) / DAY_MS) : null,
        };
      }),
    };
  }

  /** A user by username (any user, risky or not), for "find a user". */
  async findUser(username: string): Promise<{ userId: string; username: string } | null> {
    const user = await this.deps.directory.findByUsername(username);
    return user ? { userId: user.id, username: user.username } : null;
  }

  /** Everything an admin needs to investigate one user; null when the store and directory know nothing of them. */
  async user(userId: string) {
    const { store } = this.deps;
    const [user, identity, detections, signIns, history, audit] = await Promise.all([
      this.deps.directory.findById(userId),
      store.identities.getIdentity(userId),
      store.detections.detectionsForUser(userId),
      store.signIns.recentSignIns(userId, 20),
      store.riskHistory.riskHistory(userId, 100),
      store.audit.listAudit({ targetId: userId, limit: 20 }),
    ]);
    if (!user && identity.updatedAt === 0 && detections.length === 0) return null;
    const newestFirst = [...detections].reverse();
    return {
      user: user
        ? { id: user.id, username: user.username, email: user.email ?? null, groups: user.groups ?? [] }
        : null,
      userId,
      identity: {
        riskLevel: identity.riskLevel,
        riskState: identity.riskState,
        blocked: identity.blocked,
        mfaRegistered: hasMfa(identity),
        mustChangePassword: identity.mustChangePassword,
        passwordResetRequired: identity.passwordResetRequired,
        updatedAt: identity.updatedAt,
      },
      activeDetections: newestFirst.filter((d) => d.status === 'active'),
      closedDetections: newestFirst.filter((d) => d.status === 'closed'),
      signIns,
      history,
      audit,
    };
  }
}
