/**
 * The console's MFA step-up: an admin whose session did not pass MFA at sign-in enters a code here
 * before anything else. Same limits as the sign-in challenge (per-user tries across a window), the
 * same single-use codes, and a new session id on success (privilege change).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { SecondFactor } from '../mfa/secondFactor.js';
import type { Store } from '../storage/types.js';
import type { RiskgateConfig } from '../config/options.js';
import { parseForm } from '../web/forms.js';
import { mfaInput } from '../flows/steps/mfa.js';
import { safeReturnTo } from '../web/returnTo.js';
import { elevateSession } from '../web/sessionTransitions.js';
import type { AdminRender } from './types.js';

const codeForm = mfaInput.extend({ returnTo: z.string().max(2048).optional() });

export interface ConsoleMfaDeps {
  store: Store;
  secondFactor: SecondFactor;
  mfa: RiskgateConfig['mfa'];
  render: AdminRender;
  now: () => number;
}

export function consoleMfaRoutes(deps: ConsoleMfaDeps): Router {
  const router = Router();
  const inConsole = (value: unknown, base: string) => {
    const target = safeReturnTo(value, base);
    return target === base || target.startsWith(`${base}/`) || target.startsWith(`${base}?`) ? target : base;
  };
  const show = (
    req: Parameters<AdminRender>[0],
    res: Parameters<AdminRender>[1],
    status: number,
    extra = {},
  ) =>
    deps.render(
      req,
      res,
      'admin/mfa',
      { title: 'Confirm it is you', returnTo: '', admin: null, ...extra },
      status,
    );

  router.get('/', async (req, res) => {
    const base = res.locals.adminBase as string;
    if (req.session.riskgate?.mfaAt !== undefined)
      return res.redirect(303, inConsole(req.query.returnTo, base));
    await show(req, res, 200, { returnTo: inConsole(req.query.returnTo, base) });
  });

  router.post('/', async (req, res) => {
    const base = res.locals.adminBase as string;
    const rawReturnTo = (req.body as Record<string, unknown> | undefined)?.returnTo;
    const returnTo = inConsole(rawReturnTo, base);
    const form = parseForm(codeForm, req);
    if (!form.ok) return show(req, res, 400, { returnTo, error: form.message });
    const userId = req.session.riskgate!.userId!;
    const now = deps.now();
    const userKey = `mfa-failures:${userId}`;
    // The try is taken before the code is checked, with one atomic increment, as in the sign-in
    // challenge (src/flows/steps/mfa.ts): a count-then-check cap let parallel wrong codes all past it.
    // A right code takes a try too, then starts the count again (as a passed sign-in challenge does).
    const tries = await deps.store.counters.increment(userKey, deps.mfa.failureWindowSeconds * 1000, now);
    if (tries > deps.mfa.maxFailuresPerUser) {
      return show(req, res, 429, {
        returnTo,
        error: 'Too many wrong codes. Wait a while, then try again.',
      });
    }
    const signInId = req.session.riskgate!.signInId ?? null;
    if (!(await deps.secondFactor.verify(userId, form.value.code, now, signInId))) {
      return show(req, res, 400, {
        returnTo,
        error: 'That code did not work. Check your authenticator app and try again.',
      });
    }
    await deps.store.counters.reset(userKey);
    await elevateSession(req, now);
    res.redirect(303, returnTo);
  });
  return router;
}
