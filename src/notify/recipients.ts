/** Who gets admin mails: users with the admin role that have an address, plus the configured extras. */
import type { UserStore } from '../storage/types.js';

export const ADMIN_ROLE = 'admin';

export async function adminRecipients(users: UserStore, extra: readonly string[]): Promise<string[]> {
  const admins = (await users.usersWithRole(ADMIN_ROLE)).map((user) => user.email);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const address of [...admins, ...extra]) {
    if (!address) continue;
    const key = address.trim().toLowerCase();
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(address.trim());
  }
  return out;
}
