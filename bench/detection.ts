/**
 * Detection-quality benchmark (`npm run bench:detection`, i.e. `tsx bench/detection.ts`): a synthetic
 * population replayed in time order through the real engine (bench/detection/replay.ts), with the
 * attacker models of Wiefling et al., "Pump Up Password Security! Evaluating and Enhancing Risk-Based
 * Authentication on a Real-World Large-Scale Online Service" (ACM TOPS 2022). See docs/benchmarks.md.
 *
 *   --sweep        also replay other familiarity thresholds / mfaAt levels (bench/detection/sweep.ts)
 *   --users N  --days N  --seed N  --attacks N (per model)  --warmup N (days before attacks start)
 *
 * Knobs and defaults: bench/detection/config.ts (300 users, 60 days, 1000 attacks per model, seed
 * 20250303). Same seed, same IP database: same events, same figures. No timing is asserted anywhere.
 */
import os from 'node:os';
import { DEFAULT_VARIANT, parseArgs, type SimConfig, type Variant } from './detection/config.js';
import { loadIpPool } from './detection/ipPool.js';
import { buildWorld, type World } from './detection/population.js';
import { legitimateTimeline } from './detection/timeline.js';
import { attackTimeline } from './detection/attacks.js';
import { mergeEvents, replay, type SimEvent } from './detection/replay.js';
import { summarize, type Summary } from './detection/report.js';
import { formatSummary } from './detection/format.js';
import { CHILD_FLAG, formatSweep, runSweep, SWEEP_VARIANTS } from './detection/sweep.js';

export interface Simulation {
  config: SimConfig;
  world: World;
  events: SimEvent[];
}

export async function simulate(config: SimConfig, log: (line: string) => void): Promise<Simulation> {
  const pool = await loadIpPool(config.seed, config.networksPerCity, log);
  const world = buildWorld(pool, config);
  const legit = legitimateTimeline(world, config);
  const attacks = attackTimeline(world, legit, config);
  return { config, world, events: mergeEvents(legit, attacks) };
}

export async function runVariant(
  sim: Simulation,
  variant: Variant,
  log?: (line: string) => void,
): Promise<Summary> {
  const total = sim.events.length;
  const { rows, usersAtRiskAtEnd } = await replay(sim.world, sim.events, sim.config, variant, (done) =>
    log?.(`  replayed ${done}/${total} sign-ins`),
  );
  return summarize(rows, variant, usersAtRiskAtEnd);
}

function describe(sim: Simulation): string {
  const { config, world, events } = sim;
  const legit = events.filter((e) => e.kind === 'legit').length;
  const countries = new Set(world.users.map((u) => u.home.pool.country)).size;
  const profiles = config.profiles.map(
    (p) => `${p.name} ${world.users.filter((u) => u.profile === p.name).length}`,
  );
  return [
    `Simulated: ${config.users} users (${profiles.join(', ')}) in ${countries} countries, ${config.days} days from ${new Date(config.startUtc).toISOString().slice(0, 10)}, seed ${config.seed}`,
    `  ${legit} legitimate sign-ins; ${events.length - legit} attacks (${config.attacksPerModel} per model, after day ${config.warmupDays})`,
    `  trips abroad ${world.users.filter((u) => u.trips.some((t) => t.kind === 'abroad')).length} users, domestic trips ${world.users.filter((u) => u.trips.some((t) => t.kind === 'domestic')).length}, VPN users ${world.users.filter((u) => u.vpnExits.length > 0).length}, office workers ${world.users.filter((u) => u.office).length}; VPN exits in the feed: ${world.listedVpnNetworks.length}/${world.cities.length * 2}`,
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf(CHILD_FLAG);
  if (childAt >= 0) {
    // A sweep worker: one replay, its summary back to the parent.
    const { config, variant } = JSON.parse(process.argv[childAt + 1]!) as {
      config: SimConfig;
      variant: Variant;
    };
    const summary = await runVariant(await simulate(config, () => {}), variant);
    process.send!(summary);
    return;
  }
  const { config, sweep } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (line: string) => console.log(line);
  const sim = await simulate(config, log);
  console.log(describe(sim));
  console.log('');
  const summary = await runVariant(sim, DEFAULT_VARIANT, log);
  console.log('');
  console.log(formatSummary(summary));
  if (sweep) {
    console.log('');
    console.log(
      `Sweep: ${SWEEP_VARIANTS.length} variants, each a full replay of the same events, 2 at a time`,
    );
    const results = await runSweep(config, SWEEP_VARIANTS, 2, log);
    console.log('');
    console.log(formatSweep([summary, ...results]));
  }
  console.log('');
  console.log(`(done in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
