/** What a flow page does: the view it renders, the form it accepts, and what a valid post means. */
import type { z } from 'zod';
import type { FlowRecord } from '../../domain/flow.js';
import type { DirectoryUser, UserDirectory } from '../../domain/identity.js';
import type { Satisfied } from '../../policy/evaluate.js';
import type { Store } from '../../storage/types.js';
import type { RiskgateConfig } from '../../config/options.js';
import type { RiskService } from '../../remediation/riskService.js';
import type { Totp } from '../../mfa/totp.js';
import type { RecoveryCodes } from '../../mfa/recoveryCodes.js';
import type { SecondFactor } from '../../mfa/secondFactor.js';
import type { FlowData } from '../flowData.js';
import type { AccountNotices } from '../../notify/userNotices.js';
import type { FlowEvent } from '../machine.js';

export interface StepServices {
  store: Store;
  directory: UserDirectory;
  risk: RiskService;
  totp: Totp;
  recoveryCodes: RecoveryCodes;
  secondFactor: SecondFactor;
  config: RiskgateConfig;
  /** Mails the owner about password and authenticator changes (in the background). */
  notify: AccountNotices;
  /** Whether a password is in the configured breach corpus (new passwords must not be). */
  breached: (password: string) => Promise<boolean>;
  /** Signs out every other session of the user (after a password change). */
  revokeOtherSessions: (userId: string) => Promise<void>;
}

export interface StepContext {
  flow: FlowRecord;
  data: FlowData;
  user: DirectoryUser;
  now: number;
  services: StepServices;
}

export type StepResult =
  | { event: FlowEvent; data?: Partial<FlowData>; satisfied?: Partial<Satisfied> }
  /** Expected failure: re-render the page with the message (status 400, or 429 for caps). */
  | { error: string; status?: 400 | 429 };

export interface Step<I = unknown> {
  view: string | ((ctx: StepContext) => string);
  title: string;
  /** Form schema; absent on terminal pages, which accept no posts. */
  input?: z.ZodType<I>;
  locals(ctx: StepContext): Promise<Record<string, unknown>> | Record<string, unknown>;
  submit?(ctx: StepContext, input: I): Promise<StepResult>;
}

export function defineStep<I>(step: Step<I>): Step<I> {
  return step;
}
