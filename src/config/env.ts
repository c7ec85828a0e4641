/**
 * Environment variables -> createRiskgate options. One table drives parsing, error messages (which name
 * the variable) and the check that .env.example documents every variable.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, describeIssues, optionsSchema, type RiskgateConfigInput } from './options.js';
import { MAIL_VARIABLES } from './mailEnv.js';

type Kind = 'string' | 'int' | 'bool' | 'trustProxy' | 'json' | 'list';

export interface EnvVariable {
  name: string;
  /** Dotted option path, or a server-only setting (PORT, HOST) when it starts with "server.". */
  path: string;
  kind: Kind;
  meaning: string;
  default: string;
}

const CORE_VARIABLES: EnvVariable[] = [
  {
    name: 'PORT',
    path: 'server.port',
    kind: 'int',
    default: '3000',
    meaning: 'port the reference server listens on',
  },
  {
    name: 'HOST',
    path: 'server.host',
    kind: 'string',
    default: '127.0.0.1',
    meaning: 'address the reference server binds',
  },
  {
    name: 'NODE_ENV',
    path: 'server.nodeEnv',
    kind: 'string',
    default: 'development',
    meaning: '"production" requires RISKGATE_ENCRYPTION_KEY and RISKGATE_SESSION_SECRET',
  },
  {
    name: 'RISKGATE_DATA_DIR',
    path: 'dataDir',
    kind: 'string',
    default: './data',
    meaning: 'folder holding the SQLite database (and development secrets)',
  },
  {
    name: 'RISKGATE_DATABASE_URL',
    path: 'databaseUrl',
    kind: 'string',
    default: '(none: SQLite in the data folder)',
    meaning: 'postgres:// URL keeping all state in PostgreSQL, so several instances can share it',
  },
  {
    name: 'RISKGATE_SQLITE_MMAP_MB',
    path: 'sqliteMmapMb',
    kind: 'int',
    default: '2048',
    meaning:
      'SQLite: MiB of the database file read through a memory map (0: plain reads; the driver caps it at 2048)',
  },
  {
    name: 'RISKGATE_SQLITE_CACHE_MB',
    path: 'sqliteCacheMb',
    kind: 'int',
    default: '2',
    meaning: "SQLite: MiB of SQLite's own page cache",
  },
  {
    name: 'RISKGATE_DATABASE_SCHEMA',
    path: 'databaseSchema',
    kind: 'string',
    default: 'public',
    meaning: 'PostgreSQL schema for Riskgate tables (created if missing)',
  },
  {
    name: 'RISKGATE_REDIS_URL',
    path: 'redisUrl',
    kind: 'string',
    default: '(none: sessions and counters in the database)',
    meaning: 'redis:// URL to keep sessions, counters and limits in Redis, shared by every instance',
  },
  {
    name: 'RISKGATE_REDIS_PREFIX',
    path: 'redisPrefix',
    kind: 'string',
    default: 'riskgate:',
    meaning: 'prefix of every Redis key Riskgate writes',
  },
  {
    name: 'RISKGATE_BASE_PATH',
    path: 'basePath',
    kind: 'string',
    default: '/auth',
    meaning: 'where the sign-in and recovery pages are mounted',
  },
  {
    name: 'RISKGATE_APP_NAME',
    path: 'appName',
    kind: 'string',
    default: 'Riskgate',
    meaning: 'name shown on the pages and in authenticator apps',
  },
  {
    name: 'RISKGATE_TRUST_PROXY',
    path: 'trustProxy',
    kind: 'trustProxy',
    default: 'false',
    meaning:
      'when to believe X-Forwarded-For: false, true, a hop count, or addresses/CIDRs (comma-separated)',
  },
  {
    name: 'RISKGATE_SESSION_SECRET',
    path: 'sessionSecret',
    kind: 'string',
    default: '(generated into the data folder outside production)',
    meaning: 'secret signing session cookies, at least 32 characters',
  },
  {
    name: 'RISKGATE_ENCRYPTION_KEY',
    path: 'encryptionKey',
    kind: 'string',
    default: '(generated into the data folder outside production)',
    meaning: '32-byte key, base64 or hex, encrypting TOTP secrets at rest',
  },
  {
    name: 'RISKGATE_COOKIE_SECURE',
    path: 'cookieSecure',
    kind: 'string',
    default: 'auto',
    meaning: 'Secure cookie flag: true, false, or auto (on in production)',
  },
  {
    name: 'RISKGATE_SESSION_MAX_AGE_MINUTES',
    path: 'sessionMaxAgeMinutes',
    kind: 'int',
    default: '480',
    meaning: 'how long a signed-in session lasts from sign-in, however busy (absolute, never extended)',
  },
  {
    name: 'RISKGATE_SESSION_IDLE_MINUTES',
    path: 'sessionIdleMinutes',
    kind: 'int',
    default: '30',
    meaning: 'a signed-in session unused this long ends; 0 = no idle limit',
  },
  {
    name: 'RISKGATE_POLICY_FILE',
    path: 'server.policyFile',
    kind: 'string',
    default: '(none)',
    meaning:
      'JSON file with the three policies, the first-start defaults (see docs/policies.md); the variables below override it',
  },
  {
    name: 'RISKGATE_SIGNIN_RISK_POLICY',
    path: 'policies.signInRisk.mode',
    kind: 'string',
    default: 'on',
    meaning: 'sign-in risk policy: on, reportOnly or off',
  },
  {
    name: 'RISKGATE_SIGNIN_RISK_MFA_AT',
    path: 'policies.signInRisk.mfaAt',
    kind: 'string',
    default: 'low',
    meaning: 'sign-in risk that requires MFA: low, medium, high or off',
  },
  {
    name: 'RISKGATE_SIGNIN_RISK_BLOCK_AT',
    path: 'policies.signInRisk.blockAt',
    kind: 'string',
    default: 'off',
    meaning: 'sign-in risk that blocks: low, medium, high or off',
  },
  {
    name: 'RISKGATE_USER_RISK_POLICY',
    path: 'policies.userRisk.mode',
    kind: 'string',
    default: 'on',
    meaning: 'user risk policy: on, reportOnly or off',
  },
  {
    name: 'RISKGATE_USER_RISK_PASSWORD_CHANGE_AT',
    path: 'policies.userRisk.passwordChangeAt',
    kind: 'string',
    default: 'high',
    meaning: 'user risk that requires MFA and a password change',
  },
  {
    name: 'RISKGATE_USER_RISK_BLOCK_AT',
    path: 'policies.userRisk.blockAt',
    kind: 'string',
    default: 'off',
    meaning: 'user risk that blocks',
  },
  {
    name: 'RISKGATE_MFA_REGISTRATION_POLICY',
    path: 'policies.mfaRegistration.mode',
    kind: 'string',
    default: 'off',
    meaning: 'MFA registration policy: on, reportOnly or off',
  },
  {
    name: 'RISKGATE_MFA_REGISTRATION_GRACE_DAYS',
    path: 'policies.mfaRegistration.graceDays',
    kind: 'int',
    default: '14',
    meaning: 'days (0-30) a user may skip MFA registration after the first prompt',
  },
  {
    name: 'RISKGATE_POLICY_CACHE_SECONDS',
    path: 'policyCacheSeconds',
    kind: 'int',
    default: '5',
    meaning: 'seconds (0-300) an instance uses the stored policies before reading them again',
  },
  {
    name: 'RISKGATE_UNREGISTERED_USERS',
    path: 'policies.unregisteredUsers',
    kind: 'string',
    default: 'block',
    meaning:
      'MFA required of a user without an authenticator: block, or registerWithEmailCode (register after a code mailed to the user)',
  },
  {
    name: 'RISKGATE_THROTTLE_WINDOW_SECONDS',
    path: 'throttle.windowSeconds',
    kind: 'int',
    default: '900',
    meaning: 'window for sign-in throttling',
  },
  {
    name: 'RISKGATE_THROTTLE_MAX_PER_IP',
    path: 'throttle.maxPerIp',
    kind: 'int',
    default: '100',
    meaning: 'sign-in attempts allowed per IP address per window',
  },
  {
    name: 'RISKGATE_THROTTLE_MAX_PER_USERNAME',
    path: 'throttle.maxPerUsername',
    kind: 'int',
    default: '30',
    meaning: 'sign-in attempts allowed per username per window',
  },
  {
    name: 'RISKGATE_LOCKOUT_THRESHOLD',
    path: 'lockout.threshold',
    kind: 'int',
    default: '10',
    meaning: 'distinct wrong passwords from unfamiliar devices before they are locked out',
  },
  {
    name: 'RISKGATE_LOCKOUT_SECONDS',
    path: 'lockout.durationSeconds',
    kind: 'int',
    default: '900',
    meaning: 'how long unfamiliar devices stay locked out',
  },
  {
    name: 'RISKGATE_MFA_MAX_ATTEMPTS',
    path: 'mfa.maxAttemptsPerFlow',
    kind: 'int',
    default: '5',
    meaning: 'wrong codes allowed in one MFA challenge',
  },
  {
    name: 'RISKGATE_MFA_MAX_FAILURES_PER_USER',
    path: 'mfa.maxFailuresPerUser',
    kind: 'int',
    default: '15',
    meaning: 'wrong codes allowed per user per failure window, across challenges',
  },
  {
    name: 'RISKGATE_FLOW_TTL_MINUTES',
    path: 'flowTtlMinutes',
    kind: 'int',
    default: '15',
    meaning: 'how long a recovery flow stays valid',
  },
  {
    name: 'RISKGATE_PASSWORD_MIN_LENGTH',
    path: 'password.minLength',
    kind: 'int',
    default: '8',
    meaning: 'minimum password length (NIST SP 800-63B: at least 8)',
  },
  {
    name: 'RISKGATE_PASSWORD_CHANGE_MAX_TRIES',
    path: 'password.maxChangeTries',
    kind: 'int',
    default: '5',
    meaning: 'tries with a current password on the account page per user per window',
  },
  {
    name: 'RISKGATE_PASSWORD_CHANGE_WINDOW_SECONDS',
    path: 'password.changeTriesWindowSeconds',
    kind: 'int',
    default: '900',
    meaning: 'the window of RISKGATE_PASSWORD_CHANGE_MAX_TRIES',
  },
  {
    name: 'RISKGATE_PASSWORD_RESET',
    path: 'passwordReset.enabled',
    kind: 'bool',
    default: 'true',
    meaning: 'offer "Forgot your password?" (a single-use link mailed to the user\'s address)',
  },
  {
    name: 'RISKGATE_PASSWORD_RESET_LINK_MINUTES',
    path: 'passwordReset.linkMinutes',
    kind: 'int',
    default: '30',
    meaning: 'how long a mailed password reset link works',
  },
  {
    name: 'RISKGATE_PASSWORD_RESET_MAX_PER_USERNAME',
    path: 'passwordReset.maxPerUsername',
    kind: 'int',
    default: '3',
    meaning: 'reset links mailed per username per window (more requests get the same page and no mail)',
  },
  {
    name: 'RISKGATE_PASSWORD_RESET_MAX_PER_IP',
    path: 'passwordReset.maxPerIp',
    kind: 'int',
    default: '20',
    meaning: 'reset link requests per client address per window (more get a 429)',
  },
  {
    name: 'RISKGATE_PASSWORD_RESET_WINDOW_SECONDS',
    path: 'passwordReset.windowSeconds',
    kind: 'int',
    default: '3600',
    meaning: 'the window of the two RISKGATE_PASSWORD_RESET_MAX_* limits',
  },
  {
    name: 'RISKGATE_IMPOSSIBLE_TRAVEL_KMH',
    path: 'detection.impossibleTravel.minSpeedKmh',
    kind: 'int',
    default: '900',
    meaning: 'travel speed above which consecutive sign-ins are impossible travel',
  },
  {
    name: 'RISKGATE_IMPOSSIBLE_TRAVEL_MIN_KM',
    path: 'detection.impossibleTravel.minDistanceKm',
    kind: 'int',
    default: '500',
    meaning: 'distance below which travel is never flagged',
  },
  {
    name: 'RISKGATE_JOBS',
    path: 'jobs.enabled',
    kind: 'bool',
    default: 'true',
    meaning: 'run offline jobs (risk ageing) inside the server; each runs once per period across instances',
  },
  {
    name: 'RISKGATE_JOBS_INTERVAL_MINUTES',
    path: 'jobs.intervalMinutes',
    kind: 'int',
    default: '60',
    meaning: 'how often offline jobs run',
  },
  {
    name: 'RISKGATE_LOW_RISK_AGEING_DAYS',
    path: 'jobs.lowRiskAgeingDays',
    kind: 'int',
    default: '180',
    meaning: 'low-level detections older than this are closed by the system',
  },
  {
    name: 'RISKGATE_FEEDS_DIR',
    path: 'feedsDir',
    kind: 'string',
    default: '<data folder>/feeds',
    meaning: 'folder of IP lists (tor.txt, vpn.txt, hosting.txt, malicious.txt; one IP or CIDR per line)',
  },
  {
    name: 'RISKGATE_ASN_DATABASE',
    path: 'asnDatabase',
    kind: 'string',
    default: '(none: the network is the /24 or /48 prefix)',
    meaning:
      'ASN mmdb file (GeoLite2-ASN record shape); the familiarity model then treats the AS as the network',
  },
  {
    name: 'RISKGATE_BREACH_CORPUS',
    path: 'breachCorpus',
    kind: 'string',
    default: '(none: the built-in list of 49,000 common passwords only)',
    meaning: 'breached-password file in the Have I Been Pwned "SHA-1:count" format, searched on disk',
  },
  {
    name: 'RISKGATE_METRICS_TOKEN',
    path: 'metricsToken',
    kind: 'string',
    default: '(none: /metrics answers loopback clients only)',
    meaning: 'bearer token required by GET /metrics (at least 16 characters)',
  },
  {
    name: 'RISKGATE_LOG_LEVEL',
    path: 'logLevel',
    kind: 'string',
    default: 'info',
    meaning: 'fatal, error, warn, info, debug, trace or silent',
  },
];

export const ENV_VARIABLES: EnvVariable[] = [...CORE_VARIABLES, ...MAIL_VARIABLES];

export interface ServerSettings {
  port: number;
  host: string;
  policyFile: string | null;
}

function convert(variable: EnvVariable, raw: string): unknown {
  switch (variable.kind) {
    case 'string':
      return raw;
    case 'int':
      return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw; // a non-number reaches zod and is named
    case 'bool':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'json':
      return JSON.parse(raw);
    case 'list':
      return raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '');
    case 'trustProxy':
      if (raw === 'true' || raw === 'false') return raw === 'true';
      if (/^\d+$/.test(raw)) return Number(raw);
      return raw.includes(',') ? raw.split(',').map((part) => part.trim()) : raw;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    const bothObjects =
      value && typeof value === 'object' && !Array.isArray(value) && prev && typeof prev === 'object';
    out[key] = bothObjects
      ? mergeDeep(prev as Record<string, unknown>, value as Record<string, unknown>)
      : value;
  }
  return out;
}

/** Reads the environment (and the policy file it names); throws ConfigError naming bad variables. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): {
  options: RiskgateConfigInput;
  server: ServerSettings;
} {
  const options: Record<string, unknown> = {};
  const server: ServerSettings = { port: 3000, host: '127.0.0.1', policyFile: null };
  const problems: string[] = [];
  const fromEnv = new Set<string>();
  for (const variable of ENV_VARIABLES) {
    const raw = env[variable.name];
    if (raw === undefined || raw === '') continue;
    if (variable.path === 'server.port') {
      const port = Number(raw);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        problems.push(`  PORT: must be a port number, got "${raw}"`);
      else server.port = port;
    } else if (variable.path === 'server.host') server.host = raw;
    else if (variable.path === 'server.policyFile') server.policyFile = raw;
    else if (variable.path !== 'server.nodeEnv') {
      setPath(options, variable.path, convert(variable, raw));
      fromEnv.add(variable.path);
    }
  }
  if (env.RISKGATE_COOKIE_SECURE === 'true' || env.RISKGATE_COOKIE_SECURE === 'false') {
    options.cookieSecure = env.RISKGATE_COOKIE_SECURE === 'true';
  }
  options.production = env.NODE_ENV === 'production';
  let merged = options;
  if (server.policyFile) {
    try {
      const fromFile = JSON.parse(readFileSync(server.policyFile, 'utf8')) as Record<string, unknown>;
      merged = mergeDeep({ policies: fromFile }, options);
    } catch (error) {
      problems.push(
        `  RISKGATE_POLICY_FILE: cannot read "${server.policyFile}": ${(error as Error).message}`,
      );
    }
  }
  const result = optionsSchema.safeParse(merged);
  if (!result.success) {
    const byPath = new Map(ENV_VARIABLES.map((v) => [v.path, v.name]));
    // Name the variable that set the value; a policy value that came from the file names the file.
    // A list item's path ends in its index ("mail.adminAddresses.1"): the variable is the list's.
    const rename = (itemPath: string) => {
      const path = itemPath.replace(/(\.\d+)+$/, '');
      return fromEnv.has(path)
        ? byPath.get(path)!
        : path.startsWith('policies.') && server.policyFile
          ? `RISKGATE_POLICY_FILE (${path.slice('policies.'.length)})`
          : (byPath.get(path) ?? itemPath);
    };
    problems.push(describeIssues(result.error, rename));
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return { options: merged as RiskgateConfigInput, server };
}
