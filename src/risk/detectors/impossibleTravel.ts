/**
 * Impossible travel: this sign-in and the user's last successful one are further apart than anyone
 * could travel in the time between them. Geo-IP imprecision is absorbed twice: when the database
 * gives an accuracy radius for a location, the person may have been anywhere within it, so both radii
 * come off the distance before speed is judged (the least distance they must have covered); and the
 * distance floor keeps neighbouring cities minutes apart from being flagged when no radius is known.
 */
import type { GeoLocation } from '../../domain/signIn.js';
import { countryName } from '../../signals/countries.js';
import type { Detector } from '../detector.js';

const EARTH_RADIUS_KM = 6371;
const HOUR_MS = 3_600_000;
/** Speeds this many times the threshold (continents apart in minutes) are high, not medium. */
const HIGH_SPEED_FACTOR = 4;

type Point = { latitude: number; longitude: number };

function pointOf(geo: GeoLocation): Point | null {
  return geo.latitude === null || geo.longitude === null
    ? null
    : { latitude: geo.latitude, longitude: geo.longitude };
}

function radiusKm(geo: GeoLocation): number {
  const r = geo.accuracyKm;
  return typeof r === 'number' && Number.isFinite(r) && r > 0 ? r : 0;
}

/** The least distance travelled: the centres' distance less both accuracy radii, never below 0. */
export function leastDistanceKm(from: GeoLocation & Point, to: GeoLocation & Point): number {
  return Math.max(0, distanceKm(from, to) - radiusKm(from) - radiusKm(to));
}

/** Great-circle distance in km (haversine; the spherical error is well under the thresholds). */
export function distanceKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function placeName(geo: GeoLocation): string {
  const country = geo.country ? countryName(geo.country) : null;
  return [geo.city, country].filter((part) => part).join(', ') || 'an unknown place';
}

export const impossibleTravel: Detector = {
  type: 'impossibleTravel',
  detect({ context, history, config, signals }) {
    const last = history.lastSuccess;
    // A VPN or anonymiser exit says nothing about where the person is: travel is not judged then.
    if (!last || signals?.ip.anonymous) return [];
    const from = pointOf(last.geo);
    const to = pointOf(context.geo);
    if (!from || !to) return [];

    const km = leastDistanceKm({ ...last.geo, ...from }, { ...context.geo, ...to });
    const { minDistanceKm, minSpeedKmh } = config.impossibleTravel;
    if (km < minDistanceKm) return [];
    // A clock step backwards counts as no time at all: the travel is then instantaneous.
    const hours = Math.max(0, context.at - last.at) / HOUR_MS;
    const speed = hours === 0 ? Infinity : km / hours;
    if (speed <= minSpeedKmh) return [];

    const round = (n: number) => Math.round(n);
    return [
      {
        type: 'impossibleTravel',
        level: speed > HIGH_SPEED_FACTOR * minSpeedKmh ? 'high' : 'medium',
        timing: 'realtime',
        scope: 'signIn',
        reason: `Sign-in from ${placeName(context.geo)} ${hours.toFixed(1)} h after one from ${placeName(last.geo)} (${round(km)} km)`,
        evidence: {
          distanceKm: round(km),
          ...(radiusKm(last.geo) + radiusKm(context.geo) > 0
            ? {
                centresKm: round(distanceKm(from, to)),
                accuracyKm: [radiusKm(last.geo), radiusKm(context.geo)],
              }
            : {}),
          hours: Math.round(hours * 100) / 100,
          // JSON has no Infinity; null says "no time elapsed".
          speedKmh: Number.isFinite(speed) ? round(speed) : null,
          from: { city: last.geo.city, country: last.geo.country },
          to: { city: context.geo.city, country: context.geo.country },
        },
      },
    ];
  },
};
