/** Pages that end a flow: no form, just what happened and what to do next. */
import { defineStep } from './step.js';

export const blockedStep = defineStep({
  view: 'flow/blocked',
  title: 'Sign-in blocked',
  locals: ({ data, flow }) => ({ reason: data.blockReason ?? 'signInRisk', referenceId: flow.signInId }),
});

export const reportedStep = defineStep({
  view: 'flow/reported',
  title: 'Thank you for telling us',
  locals: ({ flow }) => ({ referenceId: flow.signInId }),
});

export const lockedStep = defineStep({
  view: 'error',
  title: 'Too many attempts',
  locals: ({ flow }) => ({
    status: 429,
    heading: 'Too many incorrect codes',
    message: 'For your security this sign-in was stopped. Wait a while, then sign in again.',
    referenceId: flow.signInId,
  }),
});
