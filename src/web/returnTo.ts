/** Only same-site absolute paths are followed after sign-in: no open redirects via returnTo. */
export function safeReturnTo(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return fallback;
  // "//evil", "/\evil" and control characters are how browsers get talked into leaving the site.
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse here
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  return value;
}
