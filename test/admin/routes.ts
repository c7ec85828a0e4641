/** Every route the admin router serves, read from Express's own route table (so none can be forgotten). */
import type { Router } from 'express';

export interface RouteInfo {
  method: 'GET' | 'POST';
  path: string;
}

interface LayerLike {
  rawPath?: string | string[];
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: LayerLike[] };
}

function walk(stack: LayerLike[], prefix: string, out: RouteInfo[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) {
        out.push({
          method: method.toUpperCase() as RouteInfo['method'],
          path: `${prefix}${layer.route.path}`,
        });
      }
    } else if (layer.handle.stack) {
      const raw = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, `${prefix}${raw}`, out);
    }
  }
}

export function adminRoutes(router: Router): RouteInfo[] {
  const out: RouteInfo[] = [];
  walk((router as unknown as { stack: LayerLike[] }).stack, '', out);
  return out.filter((r, i) => out.findIndex((o) => o.method === r.method && o.path === r.path) === i);
}

export const apiRoutes = (router: Router) =>
  adminRoutes(router)
    .filter((r) => r.path.startsWith('/api/v1/'))
    .map((r) => ({ ...r, path: r.path.slice('/api/v1'.length) }));

export const consoleRoutes = (router: Router) =>
  adminRoutes(router).filter((r) => !r.path.startsWith('/api/v1/'));

/** A concrete URL for a route pattern. */
export function concrete(path: string, id: string): string {
  return path.replace(':id', id).replace(':action', 'dismiss-risk');
}
