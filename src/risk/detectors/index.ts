/** The detectors run on every successful primary authentication, in the order they report. */
import type { Detector } from '../detector.js';
import { impossibleTravel } from './impossibleTravel.js';
import { leakedCredentials } from './leakedCredentials.js';
import { sprayedPassword } from './passwordSpray.js';
import { anonymousIp } from './anonymousIp.js';
import { maliciousIp } from './maliciousIp.js';
import { bruteForce } from './bruteForce.js';
import { unfamiliarFeatures } from './unfamiliarFeatures.js';
import { newCountry } from './newCountry.js';

export { impossibleTravel, leakedCredentials, newCountry };

export function realtimeDetectors(): Detector[] {
  return [
    leakedCredentials,
    sprayedPassword,
    impossibleTravel,
    newCountry,
    unfamiliarFeatures,
    anonymousIp,
    maliciousIp,
    bruteForce,
  ];
}
