/**
 * New country: the first sign-in from a country never seen for this user. Low by default: people
 * travel, but combined with other signals it matters, and it is cheap to explain.
 */
import { countryName } from '../../signals/countries.js';
import type { Detector } from '../detector.js';

export const newCountry: Detector = {
  type: 'newCountry',
  detect({ context, history, config }) {
    const country = context.geo.country;
    if (country === null) return [];
    const known = history.familiar.filter((f) => f.feature === 'country');
    // A user with no familiar country has nothing to compare with (first ever sign-in):
    // flagging it would put every new user at risk.
    if (known.length === 0 || known.some((f) => f.value === country)) return [];
    return [
      {
        type: 'newCountry',
        level: config.newCountry.level,
        timing: 'realtime',
        scope: 'signIn',
        reason: `First sign-in from ${countryName(country)}`,
        evidence: { country, city: context.geo.city, knownCountries: known.map((f) => f.value) },
      },
    ];
  },
};
