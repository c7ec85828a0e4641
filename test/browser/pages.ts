/**
 * Every page a person can meet, by the name the browser suite checks it under and the view that draws
 * it. A view missing here fails `pages.test.ts`; a page here that no walk checks fails the browser
 * suite. The admin console adds its pages here.
 */
export interface PageEntry {
  name: string;
  view: string;
}

export const END_USER_PAGES: PageEntry[] = [
  { name: 'sign-in', view: 'sign-in' },
  { name: 'sign-in-error', view: 'sign-in' },
  { name: 'signed-out', view: 'sign-in' },
  { name: 'home', view: 'demo/home' },
  { name: 'risky-notice', view: 'flow/notice-risky' },
  { name: 'mfa', view: 'flow/mfa' },
  { name: 'mfa-wrong-code', view: 'flow/mfa' },
  { name: 'reported', view: 'flow/reported' },
  { name: 'compromised-notice', view: 'flow/notice-compromised' },
  { name: 'admin-reset-notice', view: 'flow/notice-compromised' },
  { name: 'change-password', view: 'flow/change-password' },
  { name: 'change-password-error', view: 'flow/change-password' },
  { name: 'temporary-password', view: 'flow/change-password' },
  { name: 'blocked', view: 'flow/blocked' },
  { name: 'locked', view: 'error' },
  { name: 'register-intro', view: 'flow/register-intro' },
  { name: 'register-intro-mandatory', view: 'flow/register-intro' },
  { name: 'register-scan', view: 'flow/register-scan' },
  { name: 'recovery-codes', view: 'flow/recovery-codes' },
  { name: 'flow-expired', view: 'flow/expired' },
  { name: 'not-found', view: 'error' },
  { name: 'form-expired', view: 'error' },
];
