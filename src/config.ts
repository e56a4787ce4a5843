import path from 'node:path';
import { z } from 'zod';
import { LOCAL_DATABASE_PREFERENCES, type LocalDatabasePreference } from './db/kinds';
import { SUPPORTED_LANGUAGES } from './i18n/languages';

/**
 * Every setting the server reads, validated once, synchronously, when the process starts.
 * A bad value stops the start with a message naming the variable, instead of failing later
 * in a request. `.env.example` documents each variable; keep the two in step.
 */

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

const environmentSchema = z
  .object({
    NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(['development', 'production', 'test']).default('development')),
    PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
    BASE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
    MONGODB_URI: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
        .optional(),
    ),
    DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('data')),
    SESSION_SECRET: optionalString,
    TRUST_PROXY: z.preprocess(emptyAsUndefined, z.string().default('false')),
    LOG_LEVEL: z.preprocess(
      emptyAsUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    SMTP_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional()),
    MAIL_FROM: z.preprocess(emptyAsUndefined, z.string().default('LIAISE Learning <no-reply@localhost>')),
    DEFAULT_LANGUAGE: z.preprocess(emptyAsUndefined, z.enum(SUPPORTED_LANGUAGES).default('en')),
    ADMIN_EMAIL: z.preprocess(emptyAsUndefined, z.email().optional()),
    ADMIN_PASSWORD: optionalString,
    FERRETDB_PATH: optionalString,
    LOCAL_DATABASE: z.preprocess(emptyAsUndefined, z.enum(LOCAL_DATABASE_PREFERENCES).default('auto')),
    REQUEST_TIMEOUT_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().min(0.1).max(600).default(20)),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && (env.SESSION_SECRET ?? '').length < 32) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'is required in production and must be at least 32 characters (e.g. `openssl rand -hex 32`)',
      });
    }
    if (env.ADMIN_EMAIL && !env.ADMIN_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'is required when ADMIN_EMAIL is set' });
    }
    if (env.ADMIN_PASSWORD && env.ADMIN_PASSWORD.length < 12) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'must be at least 12 characters' });
    }
  });

export type TrustProxy = boolean | number | string;

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  baseUrl: string;
  secureCookies: boolean;
  mongodbUri: string | undefined;
  dataDir: string;
  sessionSecret: string | undefined;
  trustProxy: TrustProxy;
  logLevel: string;
  /** A request not answered by then gets a 503 "try again" (src/http/request-timeout.ts). */
  requestTimeoutMs: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  defaultLanguage: (typeof SUPPORTED_LANGUAGES)[number];
  admin: { email: string; password: string } | undefined;
  ferretdbPath: string | undefined;
  localDatabase: LocalDatabasePreference;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Express's `trust proxy` accepts a boolean, a hop count or a list of addresses. */
function parseTrustProxy(raw: string): TrustProxy {
  if (raw === 'true') return true;
  if (raw === 'false' || raw === '') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const env = parsed.data;
  const port = env.PORT;
  const baseUrl = (env.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  return {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    port,
    host: env.HOST,
    baseUrl,
    secureCookies: baseUrl.startsWith('https://'),
    mongodbUri: env.MONGODB_URI,
    dataDir: path.resolve(env.DATA_DIR),
    sessionSecret: env.SESSION_SECRET,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    defaultLanguage: env.DEFAULT_LANGUAGE,
    admin: env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } : undefined,
    ferretdbPath: env.FERRETDB_PATH,
    localDatabase: env.LOCAL_DATABASE,
    requestTimeoutMs: Math.round(env.REQUEST_TIMEOUT_SECONDS * 1000),
  };
}
