/**
 * Plain-language explanation of a model score for admins: "new network, known country, known
 * browser, known device". Each hierarchy is named once, at the level that matters: the coarsest
 * level the user has never used (a new country already implies a new network and IP), then the
 * level above it that they do know. A fully familiar hierarchy is named by its everyday word.
 */
import { FEATURE_BRANCHES, FEATURE_WORDS, type ModelFeature } from './features.js';

interface Part {
  feature: ModelFeature;
  value: string | null;
  familiar: boolean;
}

/** What a fully familiar hierarchy is called: "known browser" reads better than "known user agent". */
const KNOWN_WORDS: Partial<Record<ModelFeature, string>> = { ua: 'browser' };

export function explainContributions(parts: readonly Part[]): string {
  const byFeature = new Map(parts.map((part) => [part.feature, part]));
  const news: string[] = [];
  const knowns: string[] = [];
  for (const branch of FEATURE_BRANCHES) {
    const present = branch.map((feature) => byFeature.get(feature)).filter((p) => p !== undefined);
    const device = present.find((p) => p.feature === 'device');
    if (device && device.value === null) {
      news.push('no device cookie');
      continue;
    }
    const scored = present.filter((p) => p.value !== null);
    if (scored.length === 0) continue;
    // Branches run finest to coarsest, so the last unfamiliar level is the coarsest one.
    const coarsestNew = scored.reduce<number>((found, p, i) => (p.familiar ? found : i), -1);
    if (coarsestNew === -1) {
      const finest = scored[0]!.feature;
      knowns.push(`known ${KNOWN_WORDS[finest] ?? FEATURE_WORDS[finest]}`);
      continue;
    }
    news.push(`new ${FEATURE_WORDS[scored[coarsestNew]!.feature]}`);
    const above = scored[coarsestNew + 1];
    if (above) knowns.push(`known ${FEATURE_WORDS[above.feature]}`);
  }
  const all = [...news, ...knowns];
  return all.length === 0 ? 'nothing to compare' : all.join(', ');
}
