/**
 * A flow is an explicit state machine: one transition table per flow kind. States are the pages
 * (and URL steps) of the flow; "done" means the flow's requirement is satisfied and the sign-in
 * continues. Anything not in the table is illegal, so no step can be skipped by URL or replayed post.
 */
import type { FlowKind } from '../domain/flow.js';

export const DONE = 'done';
export type StepName =
  | 'notice'
  | 'mfa'
  | 'change-password'
  | 'email-code'
  | 'register'
  | 'register-verify'
  | 'recovery-codes'
  | 'blocked'
  | 'reported'
  | 'locked';

export type FlowEvent =
  | 'continue'
  | 'continueVerified'
  | 'notMe'
  | 'verified'
  | 'tooManyAttempts'
  | 'changed'
  | 'start'
  | 'skip'
  | 'confirmed'
  | 'codeSent'
  | 'emailVerified';

export interface FlowMachine {
  kind: FlowKind;
  initial: StepName;
  transitions: Partial<Record<StepName, Partial<Record<FlowEvent, StepName | typeof DONE>>>>;
}

export class IllegalTransitionError extends Error {
  constructor(kind: FlowKind, state: string, event: FlowEvent) {
    super(`flow ${kind}: no transition from "${state}" on "${event}"`);
    this.name = 'IllegalTransitionError';
  }
}

export function nextState(machine: FlowMachine, state: string, event: FlowEvent): StepName | typeof DONE {
  const target = machine.transitions[state as StepName]?.[event];
  if (!target) throw new IllegalTransitionError(machine.kind, state, event);
  return target;
}

/** Terminal pages: shown, never posted to. */
export function isTerminal(machine: FlowMachine, state: string): boolean {
  return machine.transitions[state as StepName] === undefined;
}
