/** Riskgate's per-user state. It lives beside whatever user directory the app uses. */
import type { RiskLevel, RiskState } from './risk.js';
import type { EvaluationReads } from '../storage/types.js';

export interface DirectoryUser {
  id: string;
  username: string;
  email?: string | null;
  groups?: string[];
  /** "admin" opens the admin console (with MFA). Apps with their own directory return it here. */
  roles?: string[];
}

/** The app's user directory. Riskgate's built-in one is in SQLite; apps may bring their own. */
export interface UserDirectory {
  findByUsername(username: string): Promise<DirectoryUser | null>;
  /**
   * Optional: findByUsername and the user's evaluation reads in one store round trip. Only a
   * directory whose users live in Riskgate's store (the built-in one) can offer it.
   */
  findForSignIn?(
    username: string,
    before: number,
    features: Record<string, string | null>,
  ): Promise<{ user: DirectoryUser; reads: EvaluationReads } | null>;
  findById(id: string): Promise<DirectoryUser | null>;
  verifyPassword(user: DirectoryUser, password: string): Promise<boolean>;
  setPassword(user: DirectoryUser, password: string): Promise<void>;
}

export interface Identity {
  userId: string;
  riskLevel: RiskLevel;
  riskState: RiskState;
  /** Encrypted TOTP secret (AES-256-GCM envelope); null when no authenticator is registered. */
  totpSecret: string | null;
  /** Highest TOTP time step accepted; codes at or below it are refused (single use). */
  totpLastStep: number;
  /** When the MFA registration policy first prompted this user; starts the grace period. */
  mfaPromptedAt: number | null;
  /** Set by an admin-issued temporary password: the next sign-in must choose a new one. */
  mustChangePassword: boolean;
  /** Set by "require password reset": the next sign-in goes through MFA and a password change. */
  passwordResetRequired: boolean;
  blocked: boolean;
  updatedAt: number;
}

export function hasMfa(identity: Pick<Identity, 'totpSecret'>): boolean {
  return identity.totpSecret !== null;
}
