// Environment -> typed configuration, validated once at start.
export interface Config {
  port: number;
  host: string;
  databaseUrl: string; // '' = embedded file-backed PGlite, 'pglite://memory', 'pglite://<dir>', 'postgres://...'
  adminToken: string | null;
  paginateCount: number;
  maxPageSize: number; // 0 = no limit
  loginRequired: boolean;
  bodyLimit: string;
  graphqlMaxDepth: number;
  graphqlMaxComplexity: number;
  bgpWorker: 'embedded' | 'off';
  /** NSoT dialect: trust the e-mail header (set by a proxy) as the caller; off unless enabled. */
  nsotEmailHeaderAuth: boolean;
  nsotEmailHeader: string;
  /** NSoT dialect: lifetime of an auth_token from /nsot/api/authenticate/, in seconds. */
  nsotAuthTokenTtl: number;
  /** NSoT dialect: key that encrypts auth tokens and stored secret keys (derived from the admin token when unset). */
  nsotSecretKey: string | null;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const v = Number(raw);
  if (v < min || v > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${v}`);
  return v;
}

function bool(env: NodeJS.ProcessEnv, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const adminToken = env.PEERGATE_ADMIN_TOKEN?.trim() || null;
  if (adminToken !== null && !/^[0-9a-f]{40}$/i.test(adminToken)) {
    throw new ConfigError('PEERGATE_ADMIN_TOKEN must be 40 hexadecimal characters');
  }
  const databaseUrl = (env.DATABASE_URL ?? '').trim();
  if (databaseUrl && !/^(postgres(ql)?|pglite):\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with postgres://, postgresql:// or pglite://, got "${databaseUrl}"`);
  }
  const bgpWorker = (env.BGP_WORKER ?? 'embedded').trim();
  if (bgpWorker !== 'embedded' && bgpWorker !== 'off') throw new ConfigError('BGP_WORKER must be "embedded" or "off"');
  return {
    port: int(env, 'PORT', 8000, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl,
    adminToken: adminToken?.toLowerCase() ?? null,
    paginateCount: int(env, 'PAGINATE_COUNT', 50, 1, 1_000_000),
    maxPageSize: int(env, 'MAX_PAGE_SIZE', 1000, 0, 1_000_000),
    loginRequired: bool(env, 'LOGIN_REQUIRED', false),
    bodyLimit: env.BODY_LIMIT?.trim() || '10mb',
    graphqlMaxDepth: int(env, 'GRAPHQL_MAX_DEPTH', 12, 1, 100),
    graphqlMaxComplexity: int(env, 'GRAPHQL_MAX_COMPLEXITY', 50_000, 1, 100_000_000),
    bgpWorker,
    nsotEmailHeaderAuth: bool(env, 'NSOT_EMAIL_HEADER_AUTH', false),
    nsotEmailHeader: env.NSOT_EMAIL_HEADER?.trim() || 'X-NSoT-Email',
    nsotAuthTokenTtl: int(env, 'NSOT_AUTH_TOKEN_TTL', 600, 1, 30 * 86400),
    nsotSecretKey: env.NSOT_SECRET_KEY?.trim() || null,
  };
}
