// Environment -> typed configuration, validated once at start.
import { isIP } from 'node:net';
export interface Config {
  port: number;
  host: string;
  databaseUrl: string; // '' = embedded file-backed PGlite, 'pglite://memory', 'pglite://<dir>', 'postgres://...'
  /** Connections this process keeps to a PostgreSQL server (the embedded database has one). */
  databasePoolSize: number;
  databasePreparedStatements: boolean;
  /** Gateway processes serving one port (GATEWAY_PROCESSES; above 1 needs a PostgreSQL server): src/gateway-processes.ts. */
  gatewayProcesses: number;
  adminToken: string | null;
  paginateCount: number;
  maxPageSize: number; // 0 = no limit
  /** Objects one list export (`?export=`, `export<Plural>`) may render; more is a 4xx. */
  exportMaxRows: number;
  loginRequired: boolean;
  bodyLimit: string;
  /** Failed logins allowed per client address and per login name in a window; null: no limit (LOGIN_RATE_LIMIT=off). */
  loginRateLimit: { failures: number; windowSeconds: number } | null;
  graphqlMaxDepth: number;
  graphqlMaxComplexity: number;
  /** Parser tokens per GraphQL document (every transport); 0: no limit. */
  graphqlMaxTokens: number;
  /** Bytes of GraphQL document text (every transport); 0: no limit. */
  graphqlMaxDocumentBytes: number;
  /** Queries and mutations run as graphql-jit compiled functions (src/graphql/compiled-execution.ts); off: graphql-js. */
  graphqlJit: boolean;
  /** Largest graphql-ws message in bytes, also before connection_init; larger closes the socket (1009). */
  wsMaxPayload: number;
  /** Milliseconds a graphql-ws socket may stay without an accepted connection_init. */
  wsConnectionInitTimeout: number;
  /** When set, /metrics wants `Authorization: Bearer <token>` (or `Token <token>`); null: open. */
  metricsToken: string | null;
  /** Deepest nesting of a JSON value (GraphQL JSON values, REST bodies, form JSON fields). */
  jsonMaxDepth: number;
  bgpWorker: 'embedded' | 'off';
  /** Percent of a peer AS's max-prefix limit at which bgp-core warns (once per session). */
  bgpMaxPrefixWarningPercent: number;
  /** Seconds a session ended for exceeding its max-prefix limit stays down before it restarts. */
  bgpMaxPrefixRestartSeconds: number;
  /** How long a gateway waits for bgp-core workers in other processes to answer (BGP_REQUEST_TIMEOUT_MS). */
  bgpRequestTimeoutMs: number;
  /** BMP station (RFC 7854) port; null: no station (the default). 0 picks a free port. */
  bmpPort: number | null;
  /** Address the BMP station listens on (routers connect to it). */
  bmpListenAddress: string;
  /** How often open graphql-ws connections check their credentials again (revoked, expired, deactivated). */
  subscriptionRecheckSeconds: number;
  /** NSoT dialect: trust the e-mail header (set by a proxy) as the caller; off unless enabled. */
  nsotEmailHeaderAuth: boolean;
  nsotEmailHeader: string;
  /** NSoT dialect: lifetime of an auth_token from /nsot/api/authenticate/, in seconds. */
  nsotAuthTokenTtl: number;
  /** NSoT dialect: key that encrypts auth tokens and stored secret keys (derived from the admin token when unset). */
  nsotSecretKey: string | null;
  /** Origins browsers may call the API from (CORS): null = none (off), '*' = any, else exact origins. */
  corsOrigins: '*' | string[] | null;
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

/** BODY_LIMIT: bytes, or a number with b, kb, mb or gb (as the body parsers read it). */
function bodyLimit(env: NodeJS.ProcessEnv): string {
  const raw = env.BODY_LIMIT?.trim() || '10mb';
  if (!/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i.test(raw) || !(parseFloat(raw) > 0)) {
    throw new ConfigError(`BODY_LIMIT must be a size such as 100kb or 10mb, got "${env.BODY_LIMIT}"`);
  }
  return raw;
}

/** LOGIN_RATE_LIMIT: "<failures>/<seconds>" (default 10/300), or "off". */
function loginRateLimit(env: NodeJS.ProcessEnv): Config['loginRateLimit'] {
  const raw = (env.LOGIN_RATE_LIMIT ?? '').trim().toLowerCase();
  if (raw === '') return { failures: 10, windowSeconds: 300 };
  if (raw === 'off') return null;
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  const failures = m ? Number(m[1]) : NaN, windowSeconds = m ? Number(m[2]) : NaN;
  if (!m || failures < 1 || failures > 1_000_000 || windowSeconds < 1 || windowSeconds > 86_400) {
    throw new ConfigError(`LOGIN_RATE_LIMIT must be "<failures>/<seconds>" (failures 1-1000000, seconds 1-86400) or "off", got "${env.LOGIN_RATE_LIMIT}"`);
  }
  return { failures, windowSeconds };
}

/**
 * CORS_ORIGINS: unset or empty = off; `*` = any origin; else a comma list of origins,
 * each `http(s)://host[:port]` with no path (compared as browsers send them: lower case,
 * default port left out).
 */
function corsOrigins(env: NodeJS.ProcessEnv): Config['corsOrigins'] {
  const raw = (env.CORS_ORIGINS ?? '').trim();
  if (raw === '') return null;
  if (raw === '*') return '*';
  const origins = raw.split(',').map((o) => o.trim()).filter(Boolean).map((o) => {
    let u: URL | null = null;
    try { u = new URL(o); } catch { /* reported below */ }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.search || u.hash
      || !/^https?:\/\/[^/?#]+\/?$/i.test(o)) {
      throw new ConfigError(`CORS_ORIGINS must be "*" or a comma-separated list of origins such as https://noc.example.net, got "${o}"`);
    }
    return u.origin;
  });
  if (!origins.length) throw new ConfigError('CORS_ORIGINS must be "*" or a comma-separated list of origins');
  return [...new Set(origins)];
}

/** BMP_PORT: unset, empty or "off" = no station; else a TCP port. BMP_LISTEN_ADDRESS: an IP address. */
function bmp(env: NodeJS.ProcessEnv): Pick<Config, 'bmpPort' | 'bmpListenAddress'> {
  const raw = (env.BMP_PORT ?? '').trim().toLowerCase();
  const bmpPort = raw === '' || raw === 'off' ? null : int(env, 'BMP_PORT', 0, 0, 65535);
  const bmpListenAddress = env.BMP_LISTEN_ADDRESS?.trim() || '127.0.0.1';
  if (!isIP(bmpListenAddress)) throw new ConfigError(`BMP_LISTEN_ADDRESS must be an IPv4 or IPv6 address, got "${env.BMP_LISTEN_ADDRESS}"`);
  return { bmpPort, bmpListenAddress };
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
  const metricsToken = env.METRICS_TOKEN?.trim() || null;
  if (metricsToken !== null && !/^[\x21-\x7e]{16,}$/.test(metricsToken)) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 printable characters without spaces');
  }
  const gatewayProcesses = int(env, 'GATEWAY_PROCESSES', 1, 1, 64);
  if (gatewayProcesses > 1 && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('GATEWAY_PROCESSES above 1 needs DATABASE_URL to name a PostgreSQL server (the embedded database belongs to one process)');
  }
  const bgpWorker = (env.BGP_WORKER ?? 'embedded').trim();
  if (bgpWorker !== 'embedded' && bgpWorker !== 'off') throw new ConfigError('BGP_WORKER must be "embedded" or "off"');
  return {
    port: int(env, 'PORT', 8000, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    databasePreparedStatements: bool(env, 'DATABASE_PREPARED_STATEMENTS', true),
    gatewayProcesses,
    adminToken: adminToken?.toLowerCase() ?? null,
    paginateCount: int(env, 'PAGINATE_COUNT', 50, 1, 1_000_000),
    maxPageSize: int(env, 'MAX_PAGE_SIZE', 1000, 0, 1_000_000),
    exportMaxRows: int(env, 'EXPORT_MAX_ROWS', 10_000, 1, 1_000_000),
    loginRequired: bool(env, 'LOGIN_REQUIRED', false),
    bodyLimit: bodyLimit(env),
    loginRateLimit: loginRateLimit(env),
    graphqlMaxDepth: int(env, 'GRAPHQL_MAX_DEPTH', 12, 1, 100),
    graphqlMaxComplexity: int(env, 'GRAPHQL_MAX_COMPLEXITY', 80_000, 1, 100_000_000),
    graphqlMaxTokens: int(env, 'GRAPHQL_MAX_TOKENS', 10_000, 0, 10_000_000),
    graphqlMaxDocumentBytes: int(env, 'GRAPHQL_MAX_DOCUMENT_BYTES', 100_000, 0, 100_000_000),
    graphqlJit: bool(env, 'GRAPHQL_JIT', true),
    wsMaxPayload: int(env, 'WS_MAX_PAYLOAD', 1_048_576, 1024, 100 * 1_048_576),
    wsConnectionInitTimeout: int(env, 'WS_CONNECTION_INIT_TIMEOUT', 3_000, 100, 600_000),
    metricsToken,
    jsonMaxDepth: int(env, 'JSON_MAX_DEPTH', 32, 1, 512),
    bgpWorker,
    bgpMaxPrefixWarningPercent: int(env, 'BGP_MAX_PREFIX_WARNING_PERCENT', 90, 1, 100),
    bgpMaxPrefixRestartSeconds: int(env, 'BGP_MAX_PREFIX_RESTART_SECONDS', 60, 1, 86_400),
    bgpRequestTimeoutMs: int(env, 'BGP_REQUEST_TIMEOUT_MS', 5000, 100, 60_000),
    ...bmp(env),
    subscriptionRecheckSeconds: int(env, 'SUBSCRIPTION_RECHECK_SECONDS', 30, 1, 3600),
    nsotEmailHeaderAuth: bool(env, 'NSOT_EMAIL_HEADER_AUTH', false),
    nsotEmailHeader: env.NSOT_EMAIL_HEADER?.trim() || 'X-NSoT-Email',
    nsotAuthTokenTtl: int(env, 'NSOT_AUTH_TOKEN_TTL', 600, 1, 30 * 86400),
    nsotSecretKey: env.NSOT_SECRET_KEY?.trim() || null,
    corsOrigins: corsOrigins(env),
  };
}
