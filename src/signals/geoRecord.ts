/**
 * A city database record -> GeoLocation. Two record shapes are read:
 * - DB-IP lite as packaged by ip-location-db (the default): flat `country_code`, `city`, `latitude`,
 *   `longitude`; no accuracy radius;
 * - MaxMind's GeoIP2 / GeoLite2-City: `country.iso_code`, `city.names.en`, `location.latitude`,
 *   `location.longitude` and `location.accuracy_radius` (km), which impossible travel takes off the
 *   distance.
 */
import type { GeoLocation } from '../domain/signIn.js';

/** The fields read from either shape (everything else in the record is ignored). */
export interface CityRecord {
  city?: string | { names?: Record<string, string> };
  country_code?: string;
  country?: { iso_code?: string };
  latitude?: number;
  longitude?: number;
  location?: { latitude?: number; longitude?: number; accuracy_radius?: number };
}

export const UNKNOWN_LOCATION: GeoLocation = Object.freeze({
  country: null,
  city: null,
  latitude: null,
  longitude: null,
});

/** Float32 coordinates carry noise ("37.422000885"); 4 decimals (~11 m) is more than city-level. */
function coordinate(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 1e4) / 1e4 : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

export function toLocation(record: CityRecord | null): GeoLocation {
  if (!record || typeof record !== 'object') return UNKNOWN_LOCATION;
  const code = (text(record.country_code) ?? text(record.country?.iso_code) ?? '').toUpperCase();
  // "ZZ" is the user-assigned "unknown region" code; treat it like no answer.
  const country = /^[A-Z]{2}$/.test(code) && code !== 'ZZ' ? code : null;
  const city = typeof record.city === 'object' ? text(record.city?.names?.en) : text(record.city);
  const location = record.location ?? {};
  const radius = location.accuracy_radius;
  return {
    country,
    city,
    latitude: coordinate(record.latitude ?? location.latitude),
    longitude: coordinate(record.longitude ?? location.longitude),
    ...(typeof radius === 'number' && Number.isFinite(radius) && radius > 0 ? { accuracyKm: radius } : {}),
  };
}
