/** The notice that opens the risky sign-in and compromised account flows. */
import { z } from 'zod';
import { defineStep } from './step.js';

const noticeInput = z.object({
  action: z.enum(['continue', 'notMe'], { message: 'Choose one of the buttons.' }),
});

export const noticeStep = defineStep({
  view: ({ flow }) => (flow.kind === 'riskySignIn' ? 'flow/notice-risky' : 'flow/notice-compromised'),
  title: 'Verify your identity',
  input: noticeInput,
  locals: ({ data }) => ({
    reasons: data.reasons ?? [],
    reason: data.passwordReason === 'adminReset' ? 'adminReset' : 'userRisk',
  }),
  async submit({ flow, data, now, services }, input) {
    if (input.action === 'notMe') {
      if (flow.kind !== 'riskySignIn') return { error: 'Choose one of the buttons.' };
      await services.risk.reportNotMe(flow.userId, flow.signInId, now);
      return { event: 'notMe' };
    }
    return { event: data.satisfied.mfa ? 'continueVerified' : 'continue' };
  },
});
