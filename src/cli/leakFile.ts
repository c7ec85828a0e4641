/** Leak dumps: one "username:password" or "username,password" per line (the first separator splits). */
export function parseLeakFile(text: string): {
  valid: Array<{ username: string; password: string }>;
  skipped: number;
} {
  const valid: Array<{ username: string; password: string }> = [];
  let skipped = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const cut = line.search(/[:,]/);
    const username = cut > 0 ? line.slice(0, cut).trim() : '';
    const password = cut > 0 ? line.slice(cut + 1) : '';
    if (!username || !password) skipped++;
    else valid.push({ username, password });
  }
  return { valid, skipped };
}
