/** One canonical form for usernames so "Alice " and "alice" are the same account and the same counter. */
export function normalizeUsername(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}
