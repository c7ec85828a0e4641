/** Per-field oracles for the fuzzer: which values of a form field may get past validation. */
import { decoded, type FormValue } from './forms.js';
import type { Journey } from './journeys.js';

export const textWhere =
  (rule: (text: string) => boolean) =>
  (value: FormValue): boolean => {
    const text = decoded(value);
    return text !== null && rule(text);
  };

// eslint-disable-next-line no-control-regex -- the sign-in form refuses exactly these in usernames
export const FORBIDDEN_IN_NAMES = /[\u0000-\u001f\u007f\ufffd]/;

export interface FieldSpec {
  name: string;
  /**
   * True for values that may get past validation and so may change state (a failed sign-in is
   * recorded, a wrong MFA code uses an attempt). For every other value the route must answer 4xx (or
   * redirect a stale post) and change nothing.
   */
  mayAct(value: FormValue, journey: Journey, hidden: Record<string, string>): boolean;
}

export const csrfField: FieldSpec = {
  name: '_csrf',
  mayAct: (value, _j, hidden) => decoded(value) === hidden._csrf,
};
/** The flow version: only the version the page was rendered at is acted on (no replayed posts). */
export const returnToField: FieldSpec = {
  name: 'returnTo',
  mayAct: (value) => value.kind === 'missing' || textWhere((t) => t.length <= 2048)(value),
};
export const mfaCodeField: FieldSpec = {
  name: 'code',
  mayAct: textWhere((t) => t.trim().length >= 1 && t.trim().length <= 20),
};
