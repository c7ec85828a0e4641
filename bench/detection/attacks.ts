/**
 * The attacker models of Wiefling et al. (ACM TOPS 2022), each signing in with the victim's correct
 * password at a uniformly random time after the warm-up, against a victim picked uniformly among the
 * users who already signed in (an account in use):
 *   naive         a random address anywhere, a random user agent (old browsers and tools included);
 *   vpn           a VPN/data-centre exit (in the victim's country when configured, as the paper's VPN
 *                 attacker knows it), a random common user agent;
 *   targeted      an address in the victim's country, the victim's browser family on the attacker's
 *                 own device (current version, platform of their choosing);
 *   veryTargeted  an address in the victim's city, the victim's exact user-agent string (phished).
 * None has the victim's device cookie. Attackers never pass MFA.
 */
import type { SimConfig } from './config.js';
import type { PoolNetwork } from './ipPool.js';
import type { World } from './population.js';
import type { LegitEvent } from './timeline.js';
import { int, pick, stream, uniform, type Rng } from './random.js';
import { commonSetup, randomUserAgent, setupWithBrowser, userAgentOf } from './userAgents.js';

export const ATTACK_MODELS = ['naive', 'vpn', 'targeted', 'veryTargeted'] as const;
export type AttackModel = (typeof ATTACK_MODELS)[number];

export interface AttackEvent {
  kind: 'attack';
  at: number;
  user: number;
  ip: string;
  userAgent: string;
  deviceId: null;
  model: AttackModel;
}

const DAY = 86_400_000;

function host(rng: Rng, network: PoolNetwork): string {
  return `${network.prefix}.${pick(rng, network.hosts)}`;
}

export function attackTimeline(world: World, legit: readonly LegitEvent[], config: SimConfig): AttackEvent[] {
  const byUser = new Map<number, LegitEvent[]>();
  for (const event of legit) {
    const list = byUser.get(event.user) ?? [];
    list.push(event);
    byUser.set(event.user, list);
  }
  for (const list of byUser.values()) list.sort((a, b) => a.at - b.at);
  const from = config.startUtc + config.warmupDays * DAY;
  const to = config.startUtc + config.days * DAY;
  const events: AttackEvent[] = [];

  for (const model of ATTACK_MODELS) {
    const rng = stream(config.seed, `attacks-${model}`);
    for (let i = 0; i < config.attacksPerModel; i++) {
      const at = Math.round(uniform(rng, from, to));
      let victim = pick(rng, world.users);
      let history = (byUser.get(victim.index) ?? []).filter((e) => e.at < at);
      for (let tries = 0; history.length === 0 && tries < 1000; tries++) {
        victim = pick(rng, world.users);
        history = (byUser.get(victim.index) ?? []).filter((e) => e.at < at);
      }
      if (history.length === 0) continue;
      // What a phishing page or a look at the victim would show: their most used device, as of late.
      const uses = new Map<string, number>();
      for (const e of history) uses.set(e.device.label, (uses.get(e.device.label) ?? 0) + 1);
      const primaryLabel = [...uses].sort((a, b) => b[1] - a[1])[0]![0];
      const lastOnPrimary = history.filter((e) => e.device.label === primaryLabel).at(-1)!;
      const home = victim.home;
      const compatriots = world.cities.filter((c) => c.pool.country === home.pool.country);

      let ip: string;
      let userAgent: string;
      switch (model) {
        case 'naive':
          ip = pick(rng, world.anywhere);
          userAgent = randomUserAgent(rng, at);
          break;
        case 'vpn': {
          const local = compatriots.flatMap((c) => c.vpnExits);
          const exits =
            config.vpnAttackerInVictimCountry && local.length > 0
              ? local
              : world.cities.flatMap((c) => c.vpnExits);
          ip = host(rng, pick(rng, exits));
          userAgent = userAgentOf(commonSetup(rng), at, int(rng, 0, 14));
          break;
        }
        case 'targeted':
          ip = host(rng, pick(rng, pick(rng, compatriots).attacker));
          userAgent = userAgentOf(
            setupWithBrowser(rng, lastOnPrimary.device.setup.browser),
            at,
            int(rng, 0, 7),
          );
          break;
        case 'veryTargeted':
          ip = host(rng, pick(rng, home.attacker));
          userAgent = lastOnPrimary.userAgent;
          break;
      }
      events.push({ kind: 'attack', at, user: victim.index, ip, userAgent, deviceId: null, model });
    }
  }
  return events;
}
