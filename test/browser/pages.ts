/**
 * Every page a person can meet, by the name the browser suite checks it under and the view that draws
 * it. A view missing here fails `pages.test.ts`; a page here that no walk checks fails the suite whose
 * table lists it (flows.test.ts for END_USER_PAGES, notifyPages.test.ts for MAIL_LINK_PAGES,
 * adminPages.test.ts for ADMIN_PAGES, accountPages.test.ts for ACCOUNT_PAGES, passwordResetPages.test.ts
 * for PASSWORD_RESET_PAGES).
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

/** Pages reached from a security mail: the email-code step and the "This wasn't me" link. */
export const MAIL_LINK_PAGES: PageEntry[] = [
  { name: 'email-code', view: 'flow/email-code' },
  { name: 'email-code-sent', view: 'flow/email-code' },
  { name: 'not-me-confirm', view: 'not-me/confirm' },
  { name: 'not-me-done', view: 'not-me/done' },
  { name: 'not-me-used', view: 'not-me/refused' },
];

/** The signed-in user's account pages: the session list and the password change. */
export const ACCOUNT_PAGES: PageEntry[] = [
  { name: 'account', view: 'account/home' },
  { name: 'account-session-ended', view: 'account/home' },
  { name: 'account-password', view: 'account/change-password' },
  { name: 'account-password-error', view: 'account/change-password' },
  { name: 'account-password-changed', view: 'account/home' },
];

/** "Forgot your password?": the request, the mail's link (code, new password), and a used link. */
export const PASSWORD_RESET_PAGES: PageEntry[] = [
  { name: 'forgot-password', view: 'reset/request' },
  { name: 'forgot-password-error', view: 'reset/request' },
  { name: 'forgot-password-sent', view: 'reset/sent' },
  { name: 'reset-code', view: 'reset/code' },
  { name: 'reset-code-wrong', view: 'reset/code' },
  { name: 'reset-new-password', view: 'reset/new-password' },
  { name: 'reset-new-password-error', view: 'reset/new-password' },
  { name: 'reset-done', view: 'sign-in' },
  { name: 'reset-link-used', view: 'reset/refused' },
];

export const ADMIN_PAGES: PageEntry[] = [
  { name: 'admin-mfa', view: 'admin/mfa' },
  { name: 'admin-home', view: 'admin/home' },
  { name: 'admin-users', view: 'admin/users' },
  { name: 'admin-user', view: 'admin/user' },
  { name: 'admin-confirm', view: 'admin/confirm' },
  { name: 'admin-user-done', view: 'admin/user' },
  { name: 'admin-secret', view: 'admin/secret' },
  { name: 'admin-bulk-result', view: 'admin/bulk-result' },
  { name: 'admin-sign-ins', view: 'admin/sign-ins' },
  { name: 'admin-sign-in', view: 'admin/sign-in' },
  { name: 'admin-detections', view: 'admin/detections' },
  { name: 'admin-mfa-registration', view: 'admin/mfa-registration' },
  { name: 'admin-audit', view: 'admin/audit' },
  { name: 'admin-tokens', view: 'admin/tokens' },
  { name: 'admin-token-created', view: 'admin/token-created' },
  { name: 'admin-policies', view: 'admin/policies' },
  { name: 'admin-policies-report-only', view: 'admin/policies-report-only' },
  { name: 'admin-not-found', view: 'admin/message' },
  { name: 'admin-refused', view: 'admin/refused' },
];

/**
 * Views that are not pages, with the reason. Mail templates are rendered into messages by
 * src/notify/templates.ts and never served to a browser; their content is tested in test/notify/.
 */
export const NOT_PAGES: { prefix: string; reason: string }[] = [
  { prefix: 'mail/', reason: 'mail bodies (HTML and text), checked by test/notify/, never served' },
];

export const ALL_PAGES: PageEntry[] = [
  ...END_USER_PAGES,
  ...MAIL_LINK_PAGES,
  ...ACCOUNT_PAGES,
  ...PASSWORD_RESET_PAGES,
  ...ADMIN_PAGES,
];
