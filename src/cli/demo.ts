/**
 * Demo data for trying every flow locally. TOTP seeds are printed so they can be added to an
 * authenticator app (or used with `npx otplib`-style tools); never do this with real users.
 */
import { generateSecret, generateURI } from 'otplib';
import { resolveSecrets } from '../config/secrets.js';
import { Keys } from '../crypto/keys.js';
import { createUser } from '../auth/users.js';
import { normalizeUsername } from '../auth/username.js';
import type { CommandContext } from './commands.js';

interface DemoUser {
  username: string;
  password: string;
  mfa: boolean;
  note: string;
}

const DEMO_USERS: DemoUser[] = [
  {
    username: 'alice',
    password: 'correct horse battery staple',
    mfa: true,
    note: 'ordinary user with an authenticator: sign-ins from a new country ask for MFA',
  },
  {
    username: 'bob',
    password: 'password123',
    mfa: true,
    note: 'uses a breached password: the compromised-account flow (MFA, then a new password)',
  },
  {
    username: 'carol',
    password: 'purple elephant umbrella',
    mfa: false,
    note: 'no authenticator: set RISKGATE_MFA_REGISTRATION_POLICY=on to see registration with a grace period',
  },
];

export async function seedDemo(context: CommandContext): Promise<void> {
  const { store, config, out } = context;
  const keys = new Keys(resolveSecrets(config).masterKey);
  const now = Date.now();
  for (const demo of DEMO_USERS) {
    if (await store.users.findUserByUsername(normalizeUsername(demo.username))) {
      out(`${demo.username}: exists already (left unchanged)`);
      continue;
    }
    // Demo passwords skip the breached-password rule on purpose: bob's is meant to be breached.
    const user = await createUser(
      store,
      { username: demo.username, password: demo.password, email: `${demo.username}@example.test` },
      { skipPasswordRules: true, now },
    );
    out(`\n${demo.username} / "${demo.password}": ${demo.note}`);
    if (demo.mfa) {
      const secret = generateSecret();
      await store.identities.updateIdentity(user.id, { totpSecret: keys.secretBox.seal(secret) }, now);
      out(`  authenticator key: ${secret}`);
      out(
        `  otpauth URI: ${generateURI({ issuer: config.mfa.issuer ?? config.appName, label: demo.username, secret })}`,
      );
    }
  }
  out(
    `\nTo look like another country locally, start with RISKGATE_TRUST_PROXY=loopback and send an X-Forwarded-For header (e.g. 81.2.69.142 is London).`,
  );
}
