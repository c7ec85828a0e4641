/**
 * A real store with every call through its interfaces recorded as "part.method" (e.g.
 * "counters.apply", "sessions.set"), so a test can pin down how many round trips a request makes.
 * Nothing is changed or answered here: every call goes to the real backend.
 */
import type { Store } from '../../src/storage/types.js';

/** What express-session and Riskgate call on a session store; EventEmitter plumbing is not counted. */
const SESSION_CALLS = new Set([
  'get',
  'set',
  'touch',
  'destroy',
  'destroyUserSessions',
  'userSessions',
  'destroyUserSession',
  'all',
  'length',
  'clear',
]);

type Part = Exclude<keyof Store, 'ping' | 'close'>;
const PARTS: Part[] = [
  'users',
  'identities',
  'signIns',
  'detections',
  'familiarity',
  'population',
  'evaluation',
  'learning',
  'attempts',
  'leaks',
  'counters',
  'flows',
  'jobs',
  'sessions',
];

function counted<T extends object>(name: string, target: T, calls: string[], only?: Set<string>): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      if (only && !only.has(property)) return value;
      // Called on the real object: stores keep private fields that a proxy as `this` cannot reach.
      return (...args: unknown[]) => {
        calls.push(`${name}.${property}`);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

export interface CountingStore {
  store: Store;
  /** Every call since the last reset, in order. */
  calls: string[];
  reset(): void;
}

export function countingStore(inner: Store): CountingStore {
  const calls: string[] = [];
  const store = { ...inner } as Store;
  for (const part of PARTS) {
    const only = part === 'sessions' ? SESSION_CALLS : undefined;
    (store as unknown as Record<string, object>)[part] = counted(part, inner[part], calls, only);
  }
  return { store, calls, reset: () => void calls.splice(0) };
}

/** Calls counted by name, sorted, so an assertion reads as a list ("counters.apply x2"). */
export function tally(calls: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of [...calls].sort()) counts[call] = (counts[call] ?? 0) + 1;
  return counts;
}
