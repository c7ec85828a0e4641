/** The detectors run on every successful primary authentication, in the order they report. */
import type { Detector } from '../detector.js';
import { impossibleTravel } from './impossibleTravel.js';
import { leakedCredentials } from './leakedCredentials.js';
import { sprayedPassword } from './passwordSpray.js';
import { newCountry } from './newCountry.js';

export { impossibleTravel, leakedCredentials, newCountry };

export function realtimeDetectors(): Detector[] {
  return [leakedCredentials, sprayedPassword, impossibleTravel, newCountry];
}
