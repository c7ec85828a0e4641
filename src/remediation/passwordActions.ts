/**
 * Manual password remediation (reference 000, "Manual password reset"):
 * - a temporary password immediately brings the identity back to safe; the next sign-in must change it;
 * - "require password reset" lets a user with MFA self-recover at next sign-in (MFA, then new password);
 *   it is refused for users without MFA, who could not prove who they are.
 */
import { randomInt } from 'node:crypto';
import type { UserDirectory } from '../domain/identity.js';
import { hasMfa } from '../domain/identity.js';
import type { Store } from '../storage/types.js';
import { APP_ACTOR, type RiskService } from './riskService.js';
import type { ActorRef } from '../storage/adminTypes.js';
import type { AccountNotices } from '../notify/userNotices.js';

const TEMP_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export class RemediationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemediationRefused';
  }
}

export interface PasswordActionDeps {
  store: Store;
  directory: UserDirectory;
  risk: RiskService;
  revokeSessions: (userId: string) => Promise<number>;
  /** Tells the owner (by mail) that an administrator set a temporary password. */
  notify?: Pick<AccountNotices, 'passwordChanged'>;
}

export async function issueTemporaryPassword(
  deps: PasswordActionDeps,
  userId: string,
  now: number,
  actor: ActorRef = APP_ACTOR,
): Promise<string> {
  const user = await deps.directory.findById(userId);
  if (!user) throw new RemediationRefused('No such user.');
  const password = Array.from({ length: 16 }, () => TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)]).join('');
  await deps.directory.setPassword(user, password);
  await deps.store.identities.updateIdentity(userId, { mustChangePassword: true }, now);
  await deps.risk.remediateUser(userId, now, { kind: 'admin', action: 'temporaryPassword', actor });
  await deps.revokeSessions(userId);
  deps.notify?.passwordChanged(userId, 'temporaryPasswordIssued');
  return password;
}

export async function requirePasswordReset(
  deps: PasswordActionDeps,
  userId: string,
  now: number,
): Promise<void> {
  const identity = await deps.store.identities.getIdentity(userId);
  if (!hasMfa(identity)) {
    throw new RemediationRefused(
      'This user has no authenticator registered, so they cannot reset their own password. Generate a temporary password instead.',
    );
  }
  await deps.store.identities.updateIdentity(userId, { passwordResetRequired: true }, now);
  await deps.revokeSessions(userId);
}
