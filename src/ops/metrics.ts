/**
 * Prometheus metrics. Each createMetrics() owns its Registry so several Riskgate instances (tests,
 * multi-tenant hosts) can live in one process without "metric already registered" errors.
 * Every label takes values from a closed set: unbounded labels (usernames, IPs, raw URLs) would
 * explode the number of series and could leak personal data into the monitoring system.
 */
import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { DecisionKind } from '../domain/decision.js';
import { FLOW_KINDS, type FlowKind } from '../domain/flow.js';
import {
  DETECTION_LEVELS,
  DETECTION_TYPES,
  type DetectionLevel,
  type DetectionType,
} from '../domain/risk.js';

/** How a primary sign-in attempt ended, as counted (the first outcome, before any flow). */
export const SIGN_IN_RESULTS = [
  'allowed',
  'interrupted',
  'blocked',
  'wrongPassword',
  'unknownUser',
  'throttled',
  'locked',
] as const;
export type SignInResult = (typeof SIGN_IN_RESULTS)[number];

export const DECISION_KINDS = [
  'allow',
  'requireMfa',
  'requirePasswordChange',
  'requireMfaRegistration',
  'block',
] as const satisfies readonly DecisionKind[];
// Fails to compile when a Decision kind is added in the domain but not here.
const _everyDecisionKind: Exclude<DecisionKind, (typeof DECISION_KINDS)[number]> extends never
  ? true
  : never = true;

export const FLOW_OUTCOMES = ['completed', 'mfaFailed', 'reportedNotMe', 'expired', 'blocked'] as const;
export type FlowOutcome = (typeof FLOW_OUTCOMES)[number];

/** Sign-ins are dominated by argon2 (~50-500 ms); the top buckets show overload or a slow store. */
export const SIGN_IN_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];

export const UNMATCHED_ROUTE = 'unmatched';

export interface Metrics {
  register: Registry;
  signIns: Counter<'result'>;
  decisions: Counter<'decision'>;
  detections: Counter<'type' | 'level'>;
  flowOutcomes: Counter<'flow' | 'outcome'>;
  signInSeconds: Histogram<never>;
  httpSeconds: Histogram<'method' | 'route' | 'status'>;
  /** Typed shorthands, so call sites cannot invent label values. */
  countSignIn(result: SignInResult): void;
  countDecision(decision: DecisionKind): void;
  countDetection(type: DetectionType, level: DetectionLevel): void;
  countFlowOutcome(flow: FlowKind, outcome: FlowOutcome): void;
  /** Times every response; mount before the routes. */
  httpMetrics(): RequestHandler;
  /** Serves the registry in the Prometheus text format. */
  handler(): RequestHandler;
}

/**
 * The route pattern, never the URL: `/users/:id`, not `/users/42`. Caveat: `req.baseUrl` is the
 * matched mount path, so a router mounted on a parameterised path would still add cardinality;
 * Riskgate mounts on a fixed basePath. Requests no route answered (404s, static files) share one label.
 */
export function routeLabel(req: Request): string {
  const path: unknown = req.route?.path;
  if (path === undefined) return UNMATCHED_ROUTE;
  // Typed as string, but undefined once an error has left the app's own router.
  const base = (req.baseUrl as string | undefined) ?? '';
  return `${base}${typeof path === 'string' ? path : String(path)}`;
}

export function createMetrics(): Metrics {
  const register = new Registry();
  collectDefaultMetrics({ register });
  const registers = [register];

  const signIns = new Counter({
    name: 'riskgate_sign_ins_total',
    help: 'Primary sign-in attempts by result.',
    labelNames: ['result'] as const,
    registers,
  });
  const decisions = new Counter({
    name: 'riskgate_decisions_total',
    help: 'Policy decisions on sign-ins that passed primary authentication.',
    labelNames: ['decision'] as const,
    registers,
  });
  const detections = new Counter({
    name: 'riskgate_detections_total',
    help: 'Risk detections raised, by type and level.',
    labelNames: ['type', 'level'] as const,
    registers,
  });
  const flowOutcomes = new Counter({
    name: 'riskgate_flow_outcomes_total',
    help: 'How remediation flows ended, by flow kind.',
    labelNames: ['flow', 'outcome'] as const,
    registers,
  });
  const signInSeconds = new Histogram({
    name: 'riskgate_sign_in_duration_seconds',
    help: 'Time to evaluate a sign-in (password check, signals, detectors, policy).',
    buckets: SIGN_IN_BUCKETS,
    registers,
  });
  const httpSeconds = new Histogram({
    name: 'riskgate_http_request_duration_seconds',
    help: 'HTTP response time by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers,
  });

  // Zeroed series exist from the start, so rate() and alerts work before the first event.
  for (const result of SIGN_IN_RESULTS) signIns.inc({ result }, 0);
  for (const decision of DECISION_KINDS) decisions.inc({ decision }, 0);
  for (const type of DETECTION_TYPES)
    for (const level of DETECTION_LEVELS) detections.inc({ type, level }, 0);
  for (const flow of FLOW_KINDS) for (const outcome of FLOW_OUTCOMES) flowOutcomes.inc({ flow, outcome }, 0);

  return {
    register,
    signIns,
    decisions,
    detections,
    flowOutcomes,
    signInSeconds,
    httpSeconds,
    countSignIn: (result) => signIns.inc({ result }),
    countDecision: (decision) => decisions.inc({ decision }),
    countDetection: (type, level) => detections.inc({ type, level }),
    countFlowOutcome: (flow, outcome) => flowOutcomes.inc({ flow, outcome }),
    httpMetrics: () => {
      // One labelled series per method, status and route, looked up once: this runs on every request.
      const series = new Map<string, (seconds: number) => void>();
      const seriesOf = (method: string, status: number, route: string) => {
        const key = `${method} ${status} ${route}`;
        let observe = series.get(key);
        if (!observe) {
          const labelled = httpSeconds.labels({ method, route, status });
          observe = (seconds) => labelled.observe(seconds);
          series.set(key, observe);
        }
        return observe;
      };
      return (req, res, next) => {
        const started = performance.now();
        // The route is read at the end: it is only known once a router has matched the request.
        res.on('finish', () =>
          seriesOf(req.method, res.statusCode, routeLabel(req))((performance.now() - started) / 1000),
        );
        next();
      };
    },
    handler: () => async (_req, res) => {
      try {
        const body = await register.metrics();
        res.set('Content-Type', register.contentType).send(body);
      } catch {
        res.status(500).type('text/plain').send('metrics unavailable');
      }
    },
  };
}
