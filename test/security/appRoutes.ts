/**
 * The routes an Express app really serves, read from its router stacks (Express 5 / router 2): every
 * `app.METHOD` and `router.METHOD`, with the paths of the routers it is mounted under. A router hidden
 * inside a plain function would be invisible here; Riskgate mounts its routers directly.
 */
import type { Express } from 'express';

export interface AppRoute {
  method: string;
  path: string;
}

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function mountPath(layer: Layer): string {
  const raw = layer.rawPath ?? '/';
  if (typeof raw !== 'string')
    throw new Error(`a router mounted at a pattern (${String(raw)}): list its routes by hand`);
  return raw === '/' ? '' : raw.replace(/\/$/, '');
}

function walk(stack: Layer[], prefix: string, out: AppRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const path of [layer.route.path].flat()) {
        if (typeof path !== 'string') throw new Error(`a route at a pattern (${String(path)})`);
        const full = `${prefix}${path === '/' ? '' : path}` || '/';
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on) out.push({ method: method === '_all' ? 'ALL' : method.toUpperCase(), path: full });
      }
    } else if (layer.handle?.stack) {
      walk(layer.handle.stack, `${prefix}${mountPath(layer)}`, out);
    }
  }
}

export function appRoutes(app: Express): AppRoute[] {
  const out: AppRoute[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', out);
  return out;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'ALL']);

export function stateChangingRoutes(app: Express): AppRoute[] {
  return appRoutes(app).filter((r) => WRITES.has(r.method));
}
