/**
 * Replays the simulated sign-ins, in time order, through a real Riskgate: SQLite in a temp folder,
 * every real-time detector, the real policies (defaults, or a sweep variant's thresholds), a clock
 * set to each event's time. Passwords are taken as verified (engine.assessAuthenticated: no argon2,
 * no HTTP). Legitimate users complete every challenge (MFA, and a password change when user risk asks
 * for one), so the model learns from all their sign-ins; attackers complete none.
 *
 * Each attack is an independent trial: once decided, its detections are closed and, if it got in,
 * its sign-in is marked "reported not me", so the ~N attacks per victim the benchmark needs for
 * statistics do not put the victim's later legitimate sign-ins through password changes (or judge
 * their travel from the attacker's location). The legitimate figures measure false positives only.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRiskgate } from '../../src/riskgate.js';
import { hashPassword } from '../../src/auth/passwordHasher.js';
import { resolveSecrets } from '../../src/config/secrets.js';
import { Keys } from '../../src/crypto/keys.js';
import { RiskService } from '../../src/remediation/riskService.js';
import type { DirectoryUser } from '../../src/domain/identity.js';
import type { DecisionKind } from '../../src/domain/decision.js';
import type { RiskLevel } from '../../src/domain/risk.js';
import { modelConfigOf } from '../../src/risk/detectors/unfamiliarFeatures.js';
import {
  modelFeaturesOf,
  populationStatsFrom,
  scoreSignIn,
  userStatsFrom,
  type ModelConfig,
} from '../../src/risk/model/index.js';
import type { Store } from '../../src/storage/types.js';
import type { SignInContext } from '../../src/domain/signIn.js';
import type { SimConfig, Variant } from './config.js';
import type { World } from './population.js';
import type { AttackEvent, AttackModel } from './attacks.js';
import type { LegitEvent, Situation } from './timeline.js';

/** One fixed, non-breached password for every simulated user (never verified: see above). */
export const SIM_PASSWORD = 'simulated passphrase 123';

export interface SignInRow {
  kind: 'legit' | 'attack';
  user: number;
  /** Where a legitimate sign-in came from, or the attacker model. */
  label: Situation | AttackModel;
  deviceNote: LegitEvent['deviceNote'];
  /** The user's legitimate sign-ins before this one. */
  past: number;
  decision: DecisionKind;
  signInRisk: RiskLevel;
  /** "type:level" of every detection the sign-in raised. */
  detections: string[];
  /**
   * The familiarity model's log10 score, re-computed for every sign-in (the detector only reports it
   * at or above `low`) from the same stores and functions the detector uses; null while the user is
   * still being learned (fewer than minUserSignIns sign-ins: the model says nothing).
   */
  logScore: number | null;
  /** The same score even while the user is being learned (what-if: no learning period). */
  rawScore: number;
  /** Re-computed score disagrees with the detector's (a benchmark bug, counted in the report). */
  scoreMismatch: boolean;
}

export type SimEvent = LegitEvent | AttackEvent;

export function mergeEvents(legit: readonly LegitEvent[], attacks: readonly AttackEvent[]): SimEvent[] {
  return [...legit, ...attacks].sort((a, b) => a.at - b.at || a.user - b.user);
}

export async function replay(
  world: World,
  events: readonly SimEvent[],
  config: SimConfig,
  variant: Variant,
  onProgress?: (done: number) => void,
): Promise<{ rows: SignInRow[]; usersAtRiskAtEnd: Record<string, number> }> {
  // tmpfs when there is one: the replay writes every sign-in, and disk I/O is not what is measured.
  const tempRoot = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dataDir = mkdtempSync(path.join(tempRoot, 'riskgate-bench-detection-'));
  try {
    mkdirSync(path.join(dataDir, 'feeds'));
    writeFileSync(
      path.join(dataDir, 'feeds', 'vpn.txt'),
      `# Simulated VPN exits (bench/detection)\n${world.listedVpnNetworks.join('\n')}\n`,
    );
    let clock = config.startUtc - 86_400_000;
    const riskgate = await createRiskgate({
      dataDir,
      logLevel: 'silent',
      now: () => clock,
      jobs: { enabled: false },
      detection: {
        familiarity: variant.familiarity,
        newCountry: { level: variant.newCountryLevel },
      },
      policies: { signInRisk: { mfaAt: variant.mfaAt } },
    });
    try {
      const users = await createUsers(riskgate, world, clock);
      const risk = new RiskService(riskgate.store);
      const model = modelConfigOf(riskgate.config.detection.familiarity);
      const past = new Array<number>(world.users.length).fill(0);
      const rows: SignInRow[] = [];
      for (const event of events) {
        clock = event.at;
        const evaluated = await riskgate.engine.assessAuthenticated(users[event.user]!, {
          ip: event.ip,
          userAgent: event.userAgent,
          deviceId: event.deviceId,
          password: SIM_PASSWORD,
        });
        const decision = evaluated.decision;
        const unfamiliar = evaluated.drafts.find((d) => d.type === 'unfamiliarFeatures');
        const reported = (unfamiliar?.evidence as { logScore?: number } | undefined)?.logScore ?? null;
        const score = await rescore(riskgate.store, evaluated.user.id, evaluated.context, model);
        const logScore = score.learning ? null : score.logScore;
        rows.push({
          kind: event.kind,
          user: event.user,
          label: event.kind === 'legit' ? event.situation : event.model,
          deviceNote: event.kind === 'legit' ? event.deviceNote : null,
          past: past[event.user]!,
          decision: decision.kind,
          signInRisk: evaluated.signInRisk,
          detections: evaluated.drafts.map((d) => `${d.type}:${d.level}`),
          logScore,
          rawScore: score.logScore,
          scoreMismatch:
            score.level === 'none'
              ? reported !== null
              : reported === null || Math.abs(reported - score.logScore) > 0.006,
        });
        const userId = evaluated.user.id;
        if (event.kind === 'attack') {
          await riskgate.store.detections.closeDetections(
            { userId, signInId: evaluated.signInId },
            'resolved',
            clock,
          );
          if (decision.kind === 'allow')
            await riskgate.store.signIns.updateSignInOutcome(evaluated.signInId, 'reportedNotMe', clock);
          await risk.recomputeUserRisk(userId, clock);
        } else if (decision.kind !== 'block') {
          // The owner passes whatever is asked: MFA, then a password change if user risk wants one.
          await riskgate.engine.completeSignIn(evaluated, { mfaPassed: decision.kind !== 'allow' });
          if (decision.kind === 'requirePasswordChange') await risk.remediateUser(userId, clock);
          past[event.user]!++;
        }
        if (rows.length % 2000 === 0) onProgress?.(rows.length);
      }
      const usersAtRiskAtEnd: Record<string, number> = {};
      for (const user of users) {
        const level = (await riskgate.store.identities.getIdentity(user.id)).riskLevel;
        usersAtRiskAtEnd[level] = (usersAtRiskAtEnd[level] ?? 0) + 1;
      }
      return { rows, usersAtRiskAtEnd };
    } finally {
      await riskgate.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The model's score of a sign-in, as the unfamiliarFeatures detector computed it (nothing learned since). */
async function rescore(store: Store, userId: string, context: SignInContext, model: ModelConfig) {
  const features = modelFeaturesOf(context);
  const familiar = await store.familiarity.familiarFeatures(userId);
  const user = userStatsFrom(familiar, context.at, {
    windowDays: model.windowDays,
    capPerFeature: model.capPerFeature,
  });
  const population = populationStatsFrom(await store.population.populationSnapshot(features));
  const score = scoreSignIn(features, user, population, model);
  return score;
}

async function createUsers(
  riskgate: Awaited<ReturnType<typeof createRiskgate>>,
  world: World,
  now: number,
): Promise<DirectoryUser[]> {
  // One hash for everyone: the same as createUser() per user, without 300 argon2 runs.
  const passwordHash = await hashPassword(SIM_PASSWORD);
  const keys = new Keys(resolveSecrets(riskgate.config).masterKey);
  const users: DirectoryUser[] = [];
  for (const sim of world.users) {
    const record = await riskgate.store.users.createUser({
      username: sim.username,
      email: `${sim.username}@example.test`,
      groups: [],
      roles: [],
      passwordHash,
      createdAt: now,
    });
    // Everyone has an authenticator: MFA challenges are answerable (else the policy blocks).
    await riskgate.store.identities.updateIdentity(
      record.id,
      { totpSecret: keys.secretBox.seal('JBSWY3DPEHPK3PXP') },
      now,
    );
    const user = await riskgate.directory.findByUsername(sim.username);
    if (!user) throw new Error(`simulated user ${sim.username} not found after creation`);
    users.push(user);
  }
  return users;
}
