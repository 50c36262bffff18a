import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateIf, validateSync } from 'class-validator';

const DURATION = /^\d+(ms|s|m|h|d)$/;
const PORT_RANGE = 'an integer from 0 to 65535';
const DURATION_LIST = /^\d+(ms|s|m|h|d)(,\d+(ms|s|m|h|d))*$/;

/** Every setting of the service, read from the environment and validated before anything starts. */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(({ value }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @IsInt({ message: PORT_RANGE })
  @Min(0, { message: PORT_RANGE })
  @Max(65535, { message: PORT_RANGE })
  PORT = 3000;

  @IsString()
  DATA_DIR = './data';

  @IsIn(['sqlite', 'esdb'])
  EVENT_STORE: 'sqlite' | 'esdb' = 'sqlite';

  @ValidateIf((c: AppConfig) => c.EVENT_STORE === 'esdb' || c.EVENTSTORE_CONNECTION_STRING !== undefined)
  @Matches(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/.+/, {
    message: 'a URL such as esdb://localhost:2113?tls=false (required when EVENT_STORE=esdb)',
  })
  EVENTSTORE_CONNECTION_STRING?: string;

  @Matches(/^rediss?:\/\/.+/, { message: 'a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IsOptional()
  @IsString()
  @Matches(/^.{32,}$/, { message: 'at least 32 characters' })
  AUTH_JWT_SECRET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'an http(s) URL of a JWKS document' })
  AUTH_JWKS_URL?: string;

  @IsOptional()
  @IsString()
  AUTH_ISSUER?: string;

  @IsOptional()
  @IsString()
  AUTH_AUDIENCE?: string;

  @Matches(DURATION, { message: 'a duration such as 24h' })
  AUTH_MAX_TOKEN_LIFETIME = '24h';

  /** Where people reach the service (for links in the log and single sign-on); default http://localhost:PORT. */
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'an http(s) URL such as https://theodoi.langson.gov.vn' },
  )
  PUBLIC_URL?: string;

  /** Single sign-on (OpenID Connect): the provider's issuer; with OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, all three or none. */
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'an http(s) URL of an OpenID provider (its issuer identifier)' },
  )
  OIDC_ISSUER_URL?: string;

  @IsOptional()
  @IsString()
  OIDC_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  OIDC_CLIENT_SECRET?: string;

  /** A session ends after this long without a request. */
  @Matches(DURATION, { message: 'a duration such as 8h' })
  SESSION_IDLE = '8h';

  /** A session ends this long after sign-in, used or not. */
  @Matches(DURATION, { message: 'a duration such as 7d' })
  SESSION_MAX = '7d';

  /** Failed sign-ins for one username, within SIGN_IN_LOCK, before it is locked for SIGN_IN_LOCK. */
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt({ message: 'a whole number of failures from 1 to 100' })
  @Min(1, { message: 'a whole number of failures from 1 to 100' })
  @Max(100, { message: 'a whole number of failures from 1 to 100' })
  SIGN_IN_FAILURES = 5;

  @Matches(DURATION, { message: 'a duration such as 15m' })
  SIGN_IN_LOCK = '15m';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @Matches(DURATION_LIST, { message: 'a comma-separated list of durations such as 3d,1d' })
  REMINDER_LEADS = '3d,1d';

  @Matches(DURATION, { message: 'a duration such as 7d, 12h or 30m' })
  ESCALATION_EVERY = '7d';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'an http(s) URL' })
  NOTIFY_WEBHOOK_URL?: string;

  @IsOptional()
  @IsString()
  WEBHOOK_SECRET?: string;

  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt({ message: 'an integer from 1 to 20' })
  @Min(1, { message: 'an integer from 1 to 20' })
  @Max(20, { message: 'an integer from 1 to 20' })
  NOTIFY_ATTEMPTS = 5;

  @Transform(({ value }) => (value === undefined || value === '' ? 1000 : Number(value)))
  @IsInt({ message: 'an integer number of milliseconds from 0 to 3600000' })
  @Min(0, { message: 'an integer number of milliseconds from 0 to 3600000' })
  @Max(3_600_000, { message: 'an integer number of milliseconds from 0 to 3600000' })
  NOTIFY_BACKOFF_MS = 1000;

  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  SMTP_FROM?: string;

  @IsOptional()
  @IsString()
  DIRECTORY_FILE?: string;

  @IsOptional()
  @IsString()
  CALENDAR_DIR?: string;

  @IsOptional()
  @Matches(/-----BEGIN PRIVATE KEY-----/, { message: 'an Ed25519 private key in PKCS#8 PEM' })
  AUDIT_SIGNING_KEY?: string;

  @Matches(DURATION, { message: 'a duration such as 1h' })
  AUDIT_CHECKPOINT_EVERY = '1h';

  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'letters, digits, - or _ (no colon)' })
  QUEUE_PREFIX = 'fut';

  @Matches(DURATION, { message: 'a duration such as 10m' })
  RECONCILE_EVERY = '10m';

  @IsIn(['on', 'off'])
  REMINDERS: 'on' | 'off' = 'on';

  @Transform(({ value }) => (value === undefined || value === '' ? 6000 : Number(value)))
  @IsInt({ message: 'a whole number of requests' })
  @Min(1, { message: 'a whole number of requests' })
  THROTTLE_LIMIT = 6000;

  @Matches(DURATION, { message: 'a duration such as 1m' })
  THROTTLE_WINDOW = '1m';

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @Matches(DURATION, { message: 'a duration such as 30s' })
  REQUEST_TIMEOUT = '30s';

  @Matches(/^\d+(b|kb|mb)$/, { message: 'a size such as 100kb or 1mb' })
  BODY_LIMIT = '100kb';

  /** The largest file POST /attachments accepts. */
  @Matches(/^\d+(b|kb|mb)$/, { message: 'a size such as 20mb or 512kb' })
  ATTACHMENT_LIMIT = '20mb';
}

/** A configuration value is missing or not allowed; the message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; the first bad variable is reported as one clear line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig()).concat(
    'EVENTSTORE_CONNECTION_STRING',
    'AUTH_JWT_SECRET',
    'AUTH_JWKS_URL',
    'AUTH_ISSUER',
    'AUTH_AUDIENCE',
    'NOTIFY_WEBHOOK_URL',
    'WEBHOOK_SECRET',
    'SMTP_URL',
    'SMTP_FROM',
    'DIRECTORY_FILE',
    'CALENDAR_DIR',
    'AUDIT_SIGNING_KEY',
    'CORS_ORIGINS',
    'PUBLIC_URL',
    'OIDC_ISSUER_URL',
    'OIDC_CLIENT_ID',
    'OIDC_CLIENT_SECRET',
  );
  const raw: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const [first] = errors;
    const [allowed] = Object.values(first.constraints ?? {});
    const value = raw[first.property];
    const got =
      value === undefined
        ? 'nothing'
        : /SECRET|KEY/.test(first.property)
          ? 'a hidden value'
          : JSON.stringify(withoutPassword(value));
    throw new ConfigError(
      `Invalid configuration: ${first.property} must be ${allowed.replace(/^\w+ must be /, '')} (got ${got})`,
    );
  }
  if (config.NODE_ENV === 'production' && !config.AUTH_JWT_SECRET && !config.AUTH_JWKS_URL) {
    throw new ConfigError('Invalid configuration: AUTH_JWT_SECRET (or AUTH_JWKS_URL) must be set when NODE_ENV=production');
  }
  const oidc = ['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
  const missing = oidc.filter((key) => config[key] === undefined);
  if (missing.length > 0 && missing.length < oidc.length) {
    throw new ConfigError(
      `Invalid configuration: ${missing.join(' and ')} must be set too (single sign-on needs OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none of them)`,
    );
  }
  if (config.NODE_ENV === 'production' && config.OIDC_ISSUER_URL) {
    if (/^http:/i.test(config.OIDC_ISSUER_URL)) {
      throw new ConfigError('Invalid configuration: OIDC_ISSUER_URL must be an https URL when NODE_ENV=production');
    }
    if (!config.PUBLIC_URL) {
      throw new ConfigError(
        'Invalid configuration: PUBLIC_URL must be set with OIDC_ISSUER_URL when NODE_ENV=production (the redirect URI is PUBLIC_URL/auth/oidc/callback)',
      );
    }
  }
  return config;
}

/** A URL-like value with any password between `:` and `@` masked, for error messages. */
function withoutPassword(value: string): string {
  return value.replace(/:[^:@/]*@/, ':***@');
}
