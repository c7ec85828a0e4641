/** Public API of the riskgate package. */
export { createRiskgate } from './riskgate.js';
export type { Riskgate, RiskgateOptions } from './riskgateApi.js';
export type { RiskgateConfig, RiskgateConfigInput } from './config/options.js';
export { ConfigError } from './config/options.js';
export type { Policies, PoliciesInput, PolicyMode } from './policy/schema.js';
export type { Decision } from './domain/decision.js';
export type { DirectoryUser, UserDirectory, Identity } from './domain/identity.js';
export type { Detection, DetectionType, RiskLevel, RiskState } from './domain/risk.js';
export type { SignInRecord, SignInContext } from './domain/signIn.js';
export type { Store } from './storage/types.js';
export { openSqliteStore } from './storage/sqlite/index.js';
export { hashPassword } from './auth/passwordHasher.js';
export { createUser } from './auth/users.js';
export type {
  AdminPlugins,
  AdminPluginContext,
  AdminRouteFactory,
  AuditFn,
  PolicyExclusions,
} from './admin/types.js';
export type { ActorRef, AuditEntry, RiskHistoryEntry } from './storage/adminTypes.js';
export { ActionRefused } from './admin/actions.js';
export { sendApiError, parseApi } from './admin/api/respond.js';
