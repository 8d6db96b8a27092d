import net from 'node:net';
import path from 'node:path';

/**
 * Service configuration, read once from the environment and validated at start.
 * Every variable is documented in `.env.example`; a bad value stops the start with one
 * clear line per variable instead of failing later somewhere deep in a request.
 */
export interface Config {
  host: string;
  port: number;
  /** Where PGlite and generated keys live (embedded default). */
  dataDir: string;
  /** PostgreSQL URL; when set, PGlite is not used. */
  databaseUrl: string | undefined;
  /** SMTP URL for outgoing mail; when unset in the sandbox, a local SMTP server is started. */
  smtpUrl: string | undefined;
  /** Local Marketo and Salesforce emulators and mailbox start with the service. */
  sandbox: boolean;
  /** The address people use to reach this service (links in e-mails, OAuth callbacks). */
  publicUrl: string;
  /**
   * Which peers' X-Forwarded-For is believed for the client's address (per-address rate limits, audit):
   * false (the default: the socket's address), or the proxies' addresses/CIDRs/named ranges (`loopback`,
   * `linklocal`, `uniquelocal`). `true` believes everyone: only for a service no one reaches but through
   * its proxy, since otherwise any caller picks its own address (and its own rate limit).
   */
  trustProxy: boolean | string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Run the job worker inside the web process (the default); `npm run worker` runs it alone. */
  inProcessWorker: boolean;
  /** AES-256-GCM key for third-party secrets, base64 (32 bytes). Generated into DATA_DIR when unset. */
  encryptionKey: string | undefined;
  /** Marketo endpoints of a real instance; their presence turns the sandbox default off. */
  marketoRestUrl: string | undefined;
  /**
   * This service's share of each Marketo instance's limits, kept together by every process sharing
   * the database (Marketo allows 100 calls per 20 s and 10 concurrent; Adobe recommends an
   * integration keeps to 50 and 5), and the instance's daily API quota shown in the status.
   */
  marketoCallsPer20s: number;
  marketoConcurrentCalls: number;
  marketoDailyQuota: number;
  /** Salesforce login host of a real org; its presence turns the sandbox default off. */
  salesforceLoginUrl: string | undefined;
  /**
   * The connected app the service uses for the Salesforce OAuth web server flow (Consumer Key and
   * Secret). Unset in the sandbox: the Salesforce emulator's app is used.
   */
  salesforceClientId: string | undefined;
  salesforceClientSecret: string | undefined;
  /** The From address of every e-mail the service sends. */
  mailFrom: string;
  /** Ports of the sandbox's Marketo and Salesforce emulators: fixed, so stored connections survive a restart. */
  sandboxMarketoPort: number;
  sandboxSalesforcePort: number;
  /** Seed of the sandbox's generated people (the same for both emulators, so their ids match). */
  sandboxSeed: number;
  /** How many people the sandbox's Marketo holds. */
  sandboxPeople: number;
  /** How long a rotated-out client secret keeps working. */
  secretGraceMinutes: number;
  /** Lifetime of an access token from POST /oauth/token. */
  accessTokenTtlSeconds: number;
  /** Default limits of a new account (MSI: seats and teams per account). */
  seatLimit: number;
  teamLimit: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function parseBoolean(name: string, raw: string, problems: string[]): boolean {
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return false;
}

const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: true/false, or a comma-separated list of addresses, CIDRs and range names. No hop count:
 * it cannot tell the proxy from a client that connects directly (Fastify refuses to believe one too).
 */
function parseTrustProxy(raw: string, problems: string[]): boolean | string[] {
  const value = raw.trim().toLowerCase();
  if (['true', 'yes', 'on'].includes(value)) return true;
  if (['false', 'no', 'off'].includes(value)) return false;
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  const bad = entries.filter((entry) => {
    if (PROXY_RANGE_NAMES.includes(entry)) return false;
    const [address = '', prefix, ...rest] = entry.split('/');
    if (rest.length > 0 || net.isIP(address) === 0) return true;
    if (prefix === undefined) return false;
    const bits = Number(prefix);
    return !/^\d+$/.test(prefix) || bits > (net.isIP(address) === 4 ? 32 : 128);
  });
  if (entries.length === 0 || bad.length > 0) {
    problems.push(
      `TRUST_PROXY must be false, true, or the proxies' addresses, CIDRs and ${PROXY_RANGE_NAMES.join('/')} separated by commas (got "${raw}")`,
    );
    return false;
  }
  return entries;
}

function parseUrl(name: string, raw: string, protocols: string[], problems: string[]): string | undefined {
  try {
    const url = new URL(raw);
    if (!protocols.includes(url.protocol)) {
      problems.push(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')} (got "${url.protocol}//...")`);
      return undefined;
    }
    return raw;
  } catch {
    // Never echo the value: URLs here may carry passwords.
    problems.push(`${name} is not a valid URL`);
    return undefined;
  }
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const str = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const host = str('HOST') ?? '127.0.0.1';

  let port = 3000;
  const rawPort = str('PORT');
  if (rawPort !== undefined) {
    port = Number(rawPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      problems.push(`PORT must be a whole number from 0 to 65535 (got "${rawPort}")`);
    }
  }

  const dataDir = path.resolve(cwd, str('DATA_DIR') ?? '.data');

  const rawDb = str('DATABASE_URL');
  const databaseUrl = rawDb === undefined ? undefined : parseUrl('DATABASE_URL', rawDb, ['postgres:', 'postgresql:'], problems);

  const rawSmtp = str('SMTP_URL');
  const smtpUrl = rawSmtp === undefined ? undefined : parseUrl('SMTP_URL', rawSmtp, ['smtp:', 'smtps:'], problems);

  const rawMarketo = str('MARKETO_REST_URL');
  const marketoRestUrl = rawMarketo === undefined ? undefined : parseUrl('MARKETO_REST_URL', rawMarketo, ['https:', 'http:'], problems);
  const rawSfLogin = str('SALESFORCE_LOGIN_URL');
  const salesforceLoginUrl =
    rawSfLogin === undefined ? undefined : parseUrl('SALESFORCE_LOGIN_URL', rawSfLogin, ['https:', 'http:'], problems);

  const salesforceClientId = str('SALESFORCE_CLIENT_ID');
  const salesforceClientSecret = str('SALESFORCE_CLIENT_SECRET');
  if (salesforceClientSecret !== undefined && salesforceClientId === undefined) {
    problems.push('SALESFORCE_CLIENT_SECRET is set but SALESFORCE_CLIENT_ID is not: give the Consumer Key of the connected app too');
  }

  const rawSandbox = str('SANDBOX');
  const sandbox =
    rawSandbox === undefined
      ? marketoRestUrl === undefined && salesforceLoginUrl === undefined && salesforceClientId === undefined
      : parseBoolean('SANDBOX', rawSandbox, problems);

  const rawWorker = str('IN_PROCESS_WORKER');
  const inProcessWorker = rawWorker === undefined ? true : parseBoolean('IN_PROCESS_WORKER', rawWorker, problems);

  const rawLevel = str('LOG_LEVEL') ?? 'info';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(rawLevel) ? (rawLevel as Config['logLevel']) : 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(rawLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${rawLevel}")`);
  }

  const encryptionKey = str('ENCRYPTION_KEY');
  if (encryptionKey !== undefined && Buffer.from(encryptionKey, 'base64').length !== 32) {
    problems.push('ENCRYPTION_KEY must be 32 bytes, base64 encoded (generate one with `openssl rand -base64 32`)');
  }

  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const secretGraceMinutes = int('SECRET_GRACE_MINUTES', 60, 0, 60 * 24 * 30);
  const accessTokenTtlSeconds = int('ACCESS_TOKEN_TTL_SECONDS', 1800, 60, 86_400);
  const seatLimit = int('ACCOUNT_SEAT_LIMIT', 100, 1, 100_000);
  const teamLimit = int('ACCOUNT_TEAM_LIMIT', 20, 1, 10_000);
  const sandboxMarketoPort = int('SANDBOX_MARKETO_PORT', 3101, 0, 65535);
  const sandboxSalesforcePort = int('SANDBOX_SALESFORCE_PORT', 3102, 0, 65535);
  const sandboxSeed = int('SANDBOX_SEED', 1, 0, 2 ** 31 - 1);
  const sandboxPeople = int('SANDBOX_PEOPLE', 5000, 0, 1_500_000);
  // Above Marketo's own limits (100 per 20 s, 10 at once) every extra call would only be refused.
  const marketoCallsPer20s = int('MARKETO_CALLS_PER_20S', 50, 1, 100);
  const marketoConcurrentCalls = int('MARKETO_CONCURRENT_CALLS', 5, 1, 10);
  // Marketo allocates at least 10,000 calls a day (50,000 is common; more can be bought).
  const marketoDailyQuota = int('MARKETO_DAILY_QUOTA', 50_000, 1, 100_000_000);
  const mailFrom = str('MAIL_FROM') ?? 'MSI Actions <no-reply@msi-actions.localhost>';

  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const rawPublic = str('PUBLIC_URL');
  const publicUrl =
    rawPublic === undefined
      ? `http://${displayHost.includes(':') ? `[${displayHost}]` : displayHost}:${port}`
      : (parseUrl('PUBLIC_URL', rawPublic, ['https:', 'http:'], problems) ?? '').replace(/\/+$/, '');

  const rawTrustProxy = str('TRUST_PROXY');
  const trustProxy = rawTrustProxy === undefined ? false : parseTrustProxy(rawTrustProxy, problems);

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    host,
    port,
    dataDir,
    databaseUrl,
    smtpUrl,
    sandbox,
    publicUrl,
    trustProxy,
    logLevel,
    inProcessWorker,
    encryptionKey,
    marketoRestUrl,
    marketoCallsPer20s,
    marketoConcurrentCalls,
    marketoDailyQuota,
    salesforceLoginUrl,
    salesforceClientId,
    salesforceClientSecret,
    mailFrom,
    sandboxMarketoPort,
    sandboxSalesforcePort,
    sandboxSeed,
    sandboxPeople,
    secretGraceMinutes,
    accessTokenTtlSeconds,
    seatLimit,
    teamLimit,
  };
}
