/** Form bodies as browsers and attackers send them, and the hidden fields a page's form carries. */
import { formsOf } from '../helpers/client.js';
import type { Journey } from './journeys.js';
import type { StateChangingRoute } from './routes.js';

/** A value for one form field: absent, one text, the field repeated, or raw (possibly invalid) bytes. */
export type FormValue =
  | { kind: 'missing' }
  | { kind: 'text'; value: string }
  | { kind: 'repeated'; values: string[] }
  | { kind: 'raw'; encoded: string };

/** The text the server's urlencoded parser makes of a single value, or null for missing/repeated. */
export function decoded(value: FormValue): string | null {
  if (value.kind === 'text') return value.value;
  if (value.kind === 'raw') {
    // As Express's urlencoded parser (qs) does: a value that is not valid percent-encoded UTF-8 is kept as sent.
    const spaced = value.encoded.replace(/\+/g, ' ');
    try {
      return decodeURIComponent(spaced);
    } catch {
      return spaced;
    }
  }
  return null;
}

/** A route's path with `:target` replaced by the journey's target id (admin forms act on one id). */
export function at(path: string, journey: Pick<Journey, 'target'>): string {
  return journey.target === undefined ? path : path.replace(':target', encodeURIComponent(journey.target));
}

/** The hidden fields of the route's form on the client's last page, or null when it is not there. */
export function hiddenFieldsFor(
  route: StateChangingRoute,
  html: string,
  journey: Pick<Journey, 'target'> = {},
): Record<string, string> | null {
  const action = at(route.action, journey);
  const form = formsOf(html).find(
    (f) =>
      f.action.endsWith(action) && Object.entries(route.match ?? {}).every(([k, v]) => f.hidden[k] === v),
  );
  return form ? form.hidden : null;
}

/** A urlencoded body as a browser (or an attacker) would send it, byte for byte. */
export function encodeForm(fields: Record<string, FormValue>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const key = encodeURIComponent(name);
    if (value.kind === 'text') parts.push(`${key}=${encodeURIComponent(value.value)}`);
    if (value.kind === 'raw') parts.push(`${key}=${value.encoded}`);
    if (value.kind === 'repeated')
      for (const v of value.values) parts.push(`${key}=${encodeURIComponent(v)}`);
  }
  return parts.join('&');
}

/** The body a legitimate post from the journey's page sends, with some fields overridden. */
export function legitimateBody(
  route: StateChangingRoute,
  journey: Journey,
  hidden: Record<string, string>,
  overrides: Record<string, FormValue> = {},
): string {
  const fields: Record<string, FormValue> = {};
  for (const [k, v] of Object.entries({ ...hidden, ...route.fields(journey) }))
    fields[k] = { kind: 'text', value: v };
  return encodeForm({ ...fields, ...overrides });
}
