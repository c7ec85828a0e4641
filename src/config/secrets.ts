/**
 * Session secret and master encryption key. Production must supply both; in development they are
 * generated once into the data folder (mode 0600) so restarts keep sessions and sealed TOTP seeds valid.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseMasterKey } from '../crypto/keys.js';
import { ConfigError, type RiskgateConfig } from './options.js';

export interface Secrets {
  sessionSecrets: string[];
  masterKey: Buffer;
}

interface StoredSecrets {
  sessionSecret: string;
  encryptionKey: string;
}

function loadOrCreateDevSecrets(dataDir: string): StoredSecrets {
  const file = path.join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
  mkdirSync(dataDir, { recursive: true });
  const created: StoredSecrets = {
    sessionSecret: randomBytes(32).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return created;
}

export function resolveSecrets(config: RiskgateConfig): Secrets {
  if (config.production) {
    const missing = [
      config.encryptionKey ? null : 'RISKGATE_ENCRYPTION_KEY (option encryptionKey)',
      config.sessionSecret ? null : 'RISKGATE_SESSION_SECRET (option sessionSecret)',
    ].filter(Boolean);
    if (missing.length > 0) {
      throw new ConfigError(`Refusing to start in production without: ${missing.join(', ')}`);
    }
  }
  const dev = config.encryptionKey && config.sessionSecret ? null : loadOrCreateDevSecrets(config.dataDir);
  const keyText = config.encryptionKey ?? dev!.encryptionKey;
  const masterKey = parseMasterKey(keyText);
  if (!masterKey) {
    throw new ConfigError(
      'Invalid configuration:\n  RISKGATE_ENCRYPTION_KEY: must be 32 bytes, base64 or hex (try: openssl rand -base64 32)',
    );
  }
  const secret = config.sessionSecret ?? dev!.sessionSecret;
  return { sessionSecrets: Array.isArray(secret) ? secret : [secret], masterKey };
}
