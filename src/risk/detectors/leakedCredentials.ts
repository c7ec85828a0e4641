/**
 * Leaked credentials: the password just used is in the breached/common corpus. It is about the
 * user's password, not this sign-in, so the scope is "user" and it stays until the password changes.
 */
import type { Detector } from '../detector.js';

export const leakedCredentials: Detector = {
  type: 'leakedCredentials',
  detect({ credential }) {
    if (!credential.breached) return [];
    return [
      {
        type: 'leakedCredentials',
        level: 'high',
        timing: 'realtime',
        scope: 'user',
        reason: 'The password was found in a list of breached or common passwords',
      },
    ];
  },
};
