/**
 * The only two places a session changes privilege. Both regenerate the session id (no fixation), and
 * establishing is the single point where a session becomes authenticated: nothing else sets userId.
 * Both carry the device id the session was issued to, which binds the session to that browser.
 */
import type { Request } from 'express';
import type { DirectoryUser } from '../domain/identity.js';
import type { FlowRecord } from '../domain/flow.js';
import { regenerate, saveRegenerated } from './session.js';

export async function beginFlowSession(
  req: Request,
  flow: FlowRecord,
  deviceId: string | null,
): Promise<void> {
  await regenerate(req);
  req.session.riskgate = { flowId: flow.id, signInId: flow.signInId, deviceId: deviceId ?? undefined };
  await saveRegenerated(req);
}

export async function establishSession(
  req: Request,
  user: DirectoryUser,
  signInId: string,
  now: number,
  deviceId: string | null,
  mfaPassed = false,
): Promise<void> {
  await regenerate(req);
  req.session.riskgate = {
    userId: user.id,
    username: user.username,
    authAt: now,
    signInId,
    deviceId: deviceId ?? undefined,
    mfaAt: mfaPassed ? now : undefined,
  };
  await saveRegenerated(req);
}

/** A second factor was verified in this already-authenticated session (admin step-up): new session id. */
export async function elevateSession(req: Request, now: number): Promise<void> {
  const state = req.session.riskgate;
  await regenerate(req);
  req.session.riskgate = { ...state, mfaAt: now };
  await saveRegenerated(req);
}

/**
 * Same privileges under a new session id (after a password change): a session id that leaked before
 * the change stops working, the signed-in state stays.
 */
export async function renewSession(req: Request): Promise<void> {
  const state = req.session.riskgate;
  await regenerate(req);
  req.session.riskgate = { ...state };
  await saveRegenerated(req);
}
