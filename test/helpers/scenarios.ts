/** Situations several suites start from. */
import { IP, MINUTE, type TestRiskgate } from './riskgate.js';
import { TestClient } from './client.js';

/**
 * Signs in from London (which becomes familiar), then an hour later from Tokyo: impossible travel and
 * a new country, so the second sign-in lands on the risky sign-in notice (or blocked, without MFA).
 */
export async function signInAtHomeThenAbroad(
  rg: TestRiskgate,
  username = 'alice',
  options: { mfa?: boolean; password?: string; email?: string } = {},
) {
  const user = await rg.addUser(username, {
    mfa: options.mfa ?? true,
    password: options.password,
    email: options.email,
  });
  const home = new TestClient(rg.app, IP.london);
  await home.signIn(username, user.password);
  rg.clock.advance(60 * MINUTE);
  const away = new TestClient(rg.app, IP.tokyo);
  const notice = await away.signIn(username, user.password);
  return { user, home, away, notice };
}
