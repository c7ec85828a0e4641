/** English country names for reasons and pages ("DE" -> "Germany"), from the runtime's ICU data. */

let names: Intl.DisplayNames | null = null;

export function countryName(code: string): string {
  names ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  try {
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    // A malformed code (e.g. "1") throws RangeError; showing the raw code is the honest fallback.
    return code;
  }
}
