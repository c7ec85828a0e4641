/**
 * Mails to the account owner about changes they should know of: a new password, a changed
 * authenticator, a verification code entered again after it was used, and a sign-in from an
 * unfamiliar place. None carries a secret; only the
 * unfamiliar-sign-in mail has a link ("This wasn't me"). Users without an address get no mail.
 *
 * Which sign-ins count as unfamiliar (docs/notifications in README.md):
 * - an allowed sign-in with a newCountry, unfamiliarFeatures or impossibleTravel detection (risk
 *   below the MFA threshold, so the owner never saw a prompt), and
 * - any sign-in that got in after an MFA challenge for risk (someone with the password and the
 *   second factor, or the owner on the road: either way they should know).
 */
import type { SignedInEvent } from '../flows/service.js';
import type { DirectoryUser, UserDirectory } from '../domain/identity.js';
import type { DetectionType } from '../domain/risk.js';
import type { Store } from '../storage/types.js';
import { describeSignInRisk } from '../risk/explain.js';
import type { Mailer, MailKind } from './mailer.js';
import type { MailTemplates } from './templates.js';
import type { NotMeLinks } from './notMeLinks.js';
import { formatDevice, formatPlace, formatTime } from './format.js';

export type PasswordChange =
  'self' | 'afterRisk' | 'adminReset' | 'temporaryPassword' | 'temporaryPasswordIssued' | 'forgotPassword';
export type MfaChange = 'registered' | 'replaced' | 'reset';

export type SignedIn = SignedInEvent;

const UNFAMILIAR: ReadonlySet<DetectionType> = new Set([
  'newCountry',
  'unfamiliarFeatures',
  'impossibleTravel',
]);

export interface UserNoticeDeps {
  store: Store;
  directory: UserDirectory;
  mailer: Mailer;
  templates: MailTemplates;
  links: NotMeLinks;
  /** Absolute URL of the pages, e.g. https://login.example.com/auth. */
  pagesUrl: string;
  appName: string;
  enabled: boolean;
  now: () => number;
}

/** What flows and admin actions call when a password or authenticator changes. */
export interface AccountNotices {
  passwordChanged(userId: string, how: PasswordChange): void;
  mfaChanged(userId: string, change: MfaChange): void;
  /** A TOTP code was entered again after its time step was used (ASVS 2.8.5): someone may have it. */
  codeReused(userId: string): void;
  /** The code that lets a user without MFA register during a risky sign-in (if policies allow). */
  emailCode(userId: string, code: string): void;
}

export class UserNotices implements AccountNotices {
  constructor(private readonly deps: UserNoticeDeps) {}

  passwordChanged(userId: string, how: PasswordChange): void {
    this.mailTo(
      userId,
      'passwordChanged',
      `Your ${this.deps.appName} password was changed`,
      'password-changed',
      {
        how,
        at: formatTime(this.deps.now()),
      },
    );
  }

  mfaChanged(userId: string, change: MfaChange): void {
    const subject =
      change === 'reset'
        ? `Your ${this.deps.appName} authenticator was removed`
        : `A new authenticator was set up for your ${this.deps.appName} account`;
    this.mailTo(userId, 'mfaChanged', subject, 'mfa-changed', { change, at: formatTime(this.deps.now()) });
  }

  codeReused(userId: string): void {
    this.mailTo(
      userId,
      'codeReused',
      `A used verification code was entered for your ${this.deps.appName} account`,
      'code-reused',
      { at: formatTime(this.deps.now()) },
    );
  }

  emailCode(userId: string, code: string): void {
    // Sent even with userNotices off: the user is waiting for it.
    this.deps.mailer.track(
      this.compose(userId, 'emailCode', `Your ${this.deps.appName} verification code`, 'email-code', {
        code,
      }),
    );
  }

  /** A "forgot password" link (ASVS 2.5.6); sent even with userNotices off: the user asked for it. */
  async passwordResetLink(
    user: DirectoryUser & { email: string },
    token: string,
    minutes: number,
  ): Promise<void> {
    const link = `${this.deps.pagesUrl}/reset/${token}`;
    return this.deps.templates
      .render('password-reset', { username: user.username, link, minutes })
      .then((body) =>
        this.deps.mailer.send({
          kind: 'passwordReset',
          to: [user.email],
          subject: `Reset your ${this.deps.appName} password`,
          ...body,
        }),
      );
  }

  /** The pipeline's outcome for a sign-in that got in. */
  readonly signedIn = (event: SignedIn): void => {
    if (!this.deps.enabled) return;
    this.deps.mailer.track(this.unfamiliarSignIn(event));
  };

  private async unfamiliarSignIn({ userId, signInId, mfaPassed, recorded }: SignedIn): Promise<void> {
    // An allowed sign-in's detections are known already: the common familiar sign-in reads nothing.
    const detections = recorded?.drafts ?? (await this.deps.store.detections.detectionsForSignIn(signInId));
    const unfamiliar = mfaPassed ? detections : detections.filter((d) => UNFAMILIAR.has(d.type));
    if (unfamiliar.length === 0) return;
    const context = recorded?.context ?? (await this.deps.store.signIns.getSignIn(signInId))?.context;
    if (!context) return;
    const link = `${this.deps.pagesUrl}/not-me/${this.deps.links.token(signInId, this.deps.now())}`;
    await this.compose(
      userId,
      'unfamiliarSignIn',
      `New sign-in to your ${this.deps.appName} account`,
      'unfamiliar-sign-in',
      {
        at: formatTime(context.at),
        place: formatPlace(context),
        device: formatDevice(context),
        ip: context.ip,
        reasons: describeSignInRisk(unfamiliar),
        mfaPassed,
        link,
      },
    );
  }

  private mailTo(
    userId: string,
    kind: MailKind,
    subject: string,
    template: string,
    locals: Record<string, unknown>,
  ): void {
    if (!this.deps.enabled) return;
    this.deps.mailer.track(this.compose(userId, kind, subject, template, locals));
  }

  private async compose(
    userId: string,
    kind: MailKind,
    subject: string,
    template: string,
    locals: Record<string, unknown>,
  ): Promise<void> {
    const user: DirectoryUser | null = await this.deps.directory.findById(userId);
    if (!user?.email) return;
    const body = await this.deps.templates.render(template, { username: user.username, ...locals });
    this.deps.mailer.send({ kind, to: [user.email], subject, ...body });
  }
}
