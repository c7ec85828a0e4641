/**
 * Every option createRiskgate() accepts, validated once at start-up. Defaults are the documented ones;
 * a bad value stops start-up with a message naming the option.
 */
import { z } from 'zod';
import { policiesSchema } from '../policy/schema.js';
import { DEFAULT_MODEL_CONFIG as MODEL } from '../risk/model/freeman.js';

const trustProxy = z.union([
  z.boolean(),
  z.number().int().min(0),
  z.string().min(1),
  z.array(z.string().min(1)),
]);
const level = z.enum(['low', 'medium', 'high']);

/** Mail: SMTP when a host is set, otherwise .eml files in a folder (development). */
const mailSchema = z
  .object({
    smtp: z
      .object({
        host: z.string().min(1, 'set the SMTP host'),
        port: z.number().int().min(1).max(65535).default(587),
        /** Implicit TLS (port 465). Otherwise STARTTLS is required unless requireTls is false. */
        secure: z.boolean().default(false),
        requireTls: z.boolean().default(true),
        user: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
      })
      .strict()
      .refine((s) => (s.user === undefined) === (s.password === undefined), {
        message: 'set both the SMTP user and password, or neither',
        path: ['password'],
      })
      .optional(),
    from: z.string().min(3).max(200).default('Riskgate <riskgate@localhost>'),
    /** Folder for .eml files when no SMTP host is set; default <dataDir>/mail. */
    outboxDir: z.string().min(1).optional(),
    /** Extra recipients of admin alerts and the digest, besides users with the admin role. */
    adminAddresses: z.array(z.email('must be an email address')).default([]),
    /** User risk level that triggers "users at risk detected"; off turns the alert off. */
    alertLevel: z.union([level, z.literal('off')]).default('high'),
    /** At most one alert mail per window; users reaching the level meanwhile go in the next one. */
    alertWindowMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60),
    digest: z
      .object({
        enabled: z.boolean().default(true),
        /** 0 = Sunday ... 6 = Saturday (UTC). */
        weekday: z.number().int().min(0).max(6).default(1),
        hourUtc: z.number().int().min(0).max(23).default(8),
      })
      .strict()
      .default({ enabled: true, weekday: 1, hourUtc: 8 }),
    /** Users get "password changed", "MFA changed" and "unfamiliar sign-in" mails. */
    userNotices: z.boolean().default(true),
    /** How long a "This wasn't me" link works. */
    notMeLinkHours: z
      .number()
      .int()
      .min(1)
      .max(30 * 24)
      .default(72),
    /** Send attempts per mail before it is given up (logged and counted). */
    maxAttempts: z.number().int().min(1).max(10).default(4),
    /** Pause after the first failed attempt; doubles after each further one. */
    retryDelayMs: z.number().int().min(0).max(600_000).default(5_000),
  })
  .strict();

export const optionsSchema = z
  .object({
    /** Folder for the SQLite database and generated development secrets. */
    dataDir: z.string().min(1).default('./data'),
    /** postgres://… selects PostgreSQL for all state; absent = SQLite in dataDir. */
    databaseUrl: z
      .string()
      .regex(
        /^postgres(ql)?:\/\//,
        'must be a postgres:// URL (leave it unset for SQLite in the data folder)',
      )
      .optional(),
    /**
     * SQLite tuning: MiB of the database file read through a memory map (0: none; the better-sqlite3
     * build caps it at 2 GiB) and MiB of SQLite's own page cache. The defaults are SQLite's (no map,
     * about 2 MB): with the file in the OS page cache bench:score found no gain from either.
     */
    sqliteMmapMb: z.number().int().min(0).max(1_048_576).default(0),
    sqliteCacheMb: z.number().int().min(1).max(65_536).default(2),
    /** PostgreSQL schema holding Riskgate's tables (created if missing). */
    databaseSchema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a plain lower-case identifier such as "riskgate"')
      .default('public'),
    /** redis:// URL: sessions, counters and limits in Redis (shared by every instance). */
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    redisPrefix: z.string().min(1).max(64).default('riskgate:'),
    basePath: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'must look like "/auth" (a path with no trailing slash)')
      .default('/auth'),
    appName: z.string().min(1).max(80).default('Riskgate'),
    production: z.boolean().default(false),
    trustProxy: trustProxy.default(false),
    /** express-session secret(s); generated and kept in dataDir when absent outside production. */
    sessionSecret: z.union([z.string().min(32), z.array(z.string().min(32)).min(1)]).optional(),
    /** 32-byte key (base64 or hex) encrypting TOTP secrets at rest; required in production. */
    encryptionKey: z.string().optional(),
    cookieSecure: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    sessionMaxAgeMinutes: z
      .number()
      .int()
      .min(5)
      .max(60 * 24 * 30)
      .default(8 * 60),
    /**
     * A signed-in session unused this long ends (ASVS 3.3.2 L2: 30 minutes); 0 = no idle limit, only
     * the absolute `sessionMaxAgeMinutes`.
     */
    sessionIdleMinutes: z
      .number()
      .int()
      .min(0)
      .max(60 * 24 * 30)
      .default(30),
    defaultReturnTo: z.string().startsWith('/').default('/'),
    /** First-start defaults only: once stored, the policies are edited in the admin console and API. */
    policies: policiesSchema.default(() => policiesSchema.parse({})),
    /** How long an instance uses the policies it read before reading them again (0 = every sign-in). */
    policyCacheSeconds: z.number().int().min(0).max(300).default(5),
    throttle: z
      .object({
        windowSeconds: z.number().int().min(1).default(900),
        maxPerIp: z.number().int().min(1).default(100),
        maxPerUsername: z.number().int().min(1).default(30),
      })
      .strict()
      .default({ windowSeconds: 900, maxPerIp: 100, maxPerUsername: 30 }),
    lockout: z
      .object({
        threshold: z.number().int().min(1).default(10),
        durationSeconds: z.number().int().min(1).default(900),
      })
      .strict()
      .default({ threshold: 10, durationSeconds: 900 }),
    mfa: z
      .object({
        issuer: z.string().min(1).max(80).optional(),
        maxAttemptsPerFlow: z.number().int().min(1).max(20).default(5),
        maxFailuresPerUser: z.number().int().min(1).max(100).default(15),
        failureWindowSeconds: z.number().int().min(60).default(3600),
      })
      .strict()
      .default({ maxAttemptsPerFlow: 5, maxFailuresPerUser: 15, failureWindowSeconds: 3600 }),
    flowTtlMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
    jobs: z
      .object({
        /** false turns the in-process scheduler off (run them with `riskgate jobs:run` instead). */
        enabled: z.boolean().default(true),
        intervalMinutes: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 60)
          .default(60),
        lowRiskAgeingDays: z.number().int().min(1).max(3650).default(180),
      })
      .strict()
      .default({ enabled: true, intervalMinutes: 60, lowRiskAgeingDays: 180 }),
    password: z
      .object({
        minLength: z.number().int().min(8).max(64).default(8),
        /** Self-service change: tries with a current password per user per window (wrong ones guess it). */
        maxChangeTries: z.number().int().min(1).max(100).default(5),
        changeTriesWindowSeconds: z
          .number()
          .int()
          .min(60)
          .max(24 * 3600)
          .default(900),
      })
      .strict()
      .default({ minLength: 8, maxChangeTries: 5, changeTriesWindowSeconds: 900 }),
    /** Self-service "forgot password" (ASVS 2.5.6): a single-use link mailed to the user's address. */
    passwordReset: z
      .object({
        enabled: z.boolean().default(true),
        /** How long a mailed link works. */
        linkMinutes: z
          .number()
          .int()
          .min(5)
          .max(24 * 60)
          .default(30),
        /** Link requests per username per window (over it: the same answer, no mail, no mail-bombing). */
        maxPerUsername: z.number().int().min(1).max(100).default(3),
        /** Link requests per client address per window (over it: 429). */
        maxPerIp: z.number().int().min(1).max(10_000).default(20),
        windowSeconds: z
          .number()
          .int()
          .min(60)
          .max(24 * 3600)
          .default(3600),
      })
      .strict()
      .default({ enabled: true, linkMinutes: 30, maxPerUsername: 3, maxPerIp: 20, windowSeconds: 3600 }),
    detection: z
      .object({
        impossibleTravel: z
          .object({
            minSpeedKmh: z.number().positive().default(900),
            minDistanceKm: z.number().nonnegative().default(500),
          })
          .strict()
          .default({ minSpeedKmh: 900, minDistanceKm: 500 }),
        newCountry: z
          .object({ level: level.default('low') })
          .strict()
          .default({ level: 'low' }),
        familiarity: z
          .object({
            low: z.number().default(MODEL.thresholds.low),
            medium: z.number().default(MODEL.thresholds.medium),
            high: z.number().default(MODEL.thresholds.high),
            /** Below this many learned sign-ins the model says nothing (the learning period). */
            minUserSignIns: z.number().int().min(0).max(100).default(MODEL.minUserSignIns),
            /** Below this many users in the population the model says nothing (a new deployment). */
            minPopulationUsers: z.number().int().min(0).default(MODEL.minPopulationUsers),
          })
          .strict()
          .refine((t) => t.low < t.medium && t.medium < t.high, 'thresholds must rise: low < medium < high')
          .default({
            ...MODEL.thresholds,
            minUserSignIns: MODEL.minUserSignIns,
            minPopulationUsers: MODEL.minPopulationUsers,
          }),
        passwordSpray: z
          .object({
            windowHours: z
              .number()
              .int()
              .min(1)
              .max(24 * 30)
              .default(24),
            minAccounts: z.number().int().min(2).default(10),
          })
          .strict()
          .default({ windowHours: 24, minAccounts: 10 }),
      })
      .strict()
      .default({
        impossibleTravel: { minSpeedKmh: 900, minDistanceKm: 500 },
        newCountry: { level: 'low' },
        familiarity: {
          ...MODEL.thresholds,
          minUserSignIns: MODEL.minUserSignIns,
          minPopulationUsers: MODEL.minPopulationUsers,
        },
        passwordSpray: { windowHours: 24, minAccounts: 10 },
      }),
    geo: z
      .union([
        z.literal(false),
        z.object({ ipv4File: z.string().optional(), ipv6File: z.string().optional() }).strict(),
      ])
      .default({}),
    /**
     * ASN mmdb file(s) (GeoLite2-ASN record shape; one file, or an IPv4 and an IPv6 one): the network
     * feature becomes the autonomous system. Absent: the /24 (IPv4) or /48 (IPv6) prefix.
     */
    asnDatabase: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2)]).optional(),
    /** Folder of IP feed files (tor.txt, vpn.txt, hosting.txt, malicious.txt); default <dataDir>/feeds. */
    feedsDir: z.string().min(1).optional(),
    /** A breached-password corpus in the Have I Been Pwned "SHA-1:count" format (searched on disk). */
    breachCorpus: z.string().min(1).optional(),
    /** Bearer token for GET /metrics; without one, metrics are served to loopback clients only. */
    metricsToken: z.string().min(16).optional(),
    /** Public origin of the pages (https://login.example.com): links in mails. Required with SMTP in production. */
    publicUrl: z
      .string()
      .regex(/^https?:\/\/[^/?#\s]+\/?$/, 'must be an origin such as https://login.example.com (no path)')
      .transform((url) => url.replace(/\/$/, ''))
      .optional(),
    mail: mailSchema.default(() => mailSchema.parse({})),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict()
  .refine((options) => !(options.production && options.mail.smtp && !options.publicUrl), {
    message: 'required with an SMTP host in production (links in mails point there)',
    path: ['publicUrl'],
  });

export type RiskgateConfigInput = z.input<typeof optionsSchema>;
export type RiskgateConfig = z.infer<typeof optionsSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Formats zod issues as "name: problem" lines; `rename` maps option paths to env variable names. */
export function describeIssues(error: z.ZodError, rename: (path: string) => string = (p) => p): string {
  return error.issues
    .map((issue) => `  ${rename(issue.path.join('.')) || '(options)'}: ${issue.message}`)
    .join('\n');
}

export function parseConfig(input: unknown): RiskgateConfig {
  const result = optionsSchema.safeParse(input ?? {});
  if (!result.success) throw new ConfigError(`Invalid Riskgate options:\n${describeIssues(result.error)}`);
  return result.data;
}
