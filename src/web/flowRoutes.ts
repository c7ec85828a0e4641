/**
 * One handler pair for every flow page. GET shows the flow's current step (any other step in the URL
 * redirects to it); POST accepts only the current step at the current version, validates the form,
 * lets the step decide an event, and moves the flow by its transition table.
 */
import { Router, type Request, type Response } from 'express';
import type { FlowRecord } from '../domain/flow.js';
import type { DirectoryUser, UserDirectory } from '../domain/identity.js';
import type { FlowService } from '../flows/service.js';
import { flowData } from '../flows/flowData.js';
import { DONE, isTerminal, type StepName } from '../flows/machine.js';
import { FLOW_MACHINES } from '../flows/index.js';
import { STEPS } from '../flows/steps/index.js';
import type { Step, StepContext, StepServices } from '../flows/steps/step.js';
import { parseForm } from './forms.js';
import type { Render } from './render.js';
import { beginFlowSession, establishSession } from './sessionTransitions.js';
import { deviceIdOf } from './deviceCookie.js';

/** A crashed request's lock expires by itself after this long. */
const FLOW_LOCK_MS = 30_000;

export interface FlowRouteDeps {
  basePath: string;
  flows: FlowService;
  directory: UserDirectory;
  services: StepServices;
  render: Render;
  now: () => number;
  /** Which device cookie name to read (`__Host-` prefixed when Secure). */
  cookieSecure: boolean;
}

export function flowRoutes(deps: FlowRouteDeps): Router {
  const router = Router();
  const { basePath, render } = deps;
  const stepUrl = (state: string) => `${basePath}/flow/${state}`;

  /** The session's live flow and its user, or an answer already sent (sign-in, or expired page). */
  async function current(
    req: Request,
    res: Response,
  ): Promise<{ flow: FlowRecord; user: DirectoryUser } | null> {
    const loaded = await deps.flows.load(req.session.riskgate?.flowId);
    const user = loaded && loaded !== 'expired' ? await deps.directory.findById(loaded.userId) : null;
    if (loaded && loaded !== 'expired' && user) return { flow: loaded, user };
    if (!loaded) {
      res.redirect(303, `${basePath}/sign-in`);
      return null;
    }
    if (req.session.riskgate) delete req.session.riskgate.flowId;
    await render(req, res, 'flow/expired', { title: 'This step has expired' }, 410);
    return null;
  }

  function context(flow: FlowRecord, user: DirectoryUser): StepContext {
    return { flow, user, data: flowData(flow), now: deps.now(), services: deps.services };
  }

  async function show(
    req: Request,
    res: Response,
    step: Step<unknown>,
    ctx: StepContext,
    status = 200,
    error?: string,
  ) {
    const view = typeof step.view === 'function' ? step.view(ctx) : step.view;
    const locals = await step.locals(ctx);
    const code = typeof locals.status === 'number' ? locals.status : status;
    await render(req, res, view, { title: step.title, version: ctx.flow.version, error, ...locals }, code);
  }

  router.get('/flow', async (req, res) => {
    const found = await current(req, res);
    if (found) res.redirect(303, stepUrl(found.flow.state));
  });

  router.get('/flow/:step', async (req, res) => {
    const found = await current(req, res);
    if (!found) return;
    if (req.params.step !== found.flow.state) return res.redirect(303, stepUrl(found.flow.state));
    await show(req, res, STEPS[found.flow.state as StepName], context(found.flow, found.user));
  });

  type Answer = () => Promise<void> | void;

  /** Applies one valid post to the flow; returns how to answer (sent after the flow lock is released). */
  async function apply(req: Request, res: Response, flow: FlowRecord, user: DirectoryUser): Promise<Answer> {
    const step = STEPS[flow.state as StepName];
    const ctx = context(flow, user);
    const form = parseForm(step.input!, req);
    if (!form.ok) return () => show(req, res, step, ctx, 400, form.message);
    const result = await step.submit!(ctx, form.value);
    if ('error' in result) return () => show(req, res, step, ctx, result.status ?? 400, result.error);

    const data = flowData(flow);
    const patch = { ...result.data, satisfied: { ...data.satisfied, ...result.satisfied } };
    const target = await deps.flows.advance(flow, result.event, patch);
    if (target === null) return () => res.redirect(303, `${basePath}/flow`); // moved meanwhile: show where it is
    if (target !== DONE) return () => res.redirect(303, stepUrl(target));

    const outcome = await deps.flows.finish(flow, user);
    const deviceId = req.session.riskgate?.deviceId ?? deviceIdOf(req, deps.cookieSecure);
    if (outcome.kind === 'signedIn') {
      const mfaPassed = flowData(flow).satisfied.mfa === true;
      await establishSession(req, user, flow.signInId, deps.now(), deviceId, mfaPassed);
      return () => res.redirect(303, outcome.returnTo);
    }
    await beginFlowSession(req, outcome.flow, deviceId);
    return () => res.redirect(303, stepUrl(outcome.flow.state));
  }

  router.post('/flow/:step', async (req, res) => {
    const found = await current(req, res);
    if (!found) return;
    const { flow, user } = found;
    const step = STEPS[flow.state as StepName];
    if (req.formError) return show(req, res, step, context(flow, user), 400, req.formError);
    // A post for another step, or rendered at an older version, is stale: show where the flow is now.
    const postedVersion = Number((req.body as Record<string, unknown>).v);
    const terminal = isTerminal(FLOW_MACHINES[flow.kind], flow.state) || !step.input || !step.submit;
    if (req.params.step !== flow.state || postedVersion !== flow.version || terminal) {
      return res.redirect(303, stepUrl(flow.state));
    }
    // One post per flow at a time, on every instance: two parallel password changes must not both set
    // a password before the compare-and-set picks a winner. The loser is shown the current step.
    const lock = `flow-busy:${flow.id}`;
    const counters = deps.services.store.counters;
    if ((await counters.increment(lock, FLOW_LOCK_MS, deps.now())) > 1)
      return res.redirect(303, `${basePath}/flow`);
    let answer: Answer;
    try {
      answer = await apply(req, res, flow, user);
    } finally {
      await counters.reset(lock);
    }
    await answer();
  });

  return router;
}
