/** Assembles the SignInContext detectors see. Pure given its inputs: no request, no clock. */
import type { SignInContext } from '../domain/signIn.js';
import type { GeoIp } from './geo.js';
import { normalizeIp } from './network.js';
import { parseUserAgent } from './userAgent.js';

export interface SignInContextInput {
  ip: string;
  userAgent: string;
  deviceId: string | null;
  at: number;
}

export function buildSignInContext(input: SignInContextInput, geo: GeoIp): SignInContext {
  const ip = normalizeIp(input.ip);
  return {
    at: input.at,
    ip,
    network: geo.networkOf(ip),
    geo: geo.lookup(ip),
    device: parseUserAgent(input.userAgent, input.deviceId),
  };
}
