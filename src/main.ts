#!/usr/bin/env -S node --max-semi-space-size=64
// The `peergate` command line. Every command parses its arguments strictly (src/cli/args.ts):
// an unknown flag, a missing or malformed value is one line on stderr and exit code 2.
import './cli/production';
import { loadConfig, ConfigError, type Config } from './config';
import { DatabaseLockedError } from './db/lock';
import { VERSION } from './http/version';
import { parseCommand, parseExpires, parseHost, parsePort, UsageError, USAGE_EXIT } from './cli/args';
import { parseSyncArgs, SYNC_HELP } from './domain/peeringdb/cli';
import { parseBgpArgs, BGP_HELP, BGP_NEIGHBOR_HELP, type BgpArgs } from './cli/bgp/args';

// The command line is parsed with only the modules above loaded (--help, --version and a typo
// answer at once); the server, ORM and schema load when a command runs.
const load = {
  serve: () => require('./cli/serve') as typeof import('./cli/serve'),
  database: () => require('./open-database') as typeof import('./open-database'),
  orm: () => require('./db/orm') as typeof import('./db/orm'),
  tokens: () => ({
    ...(require('./domain/users/tokens') as typeof import('./domain/users/tokens')),
    ...(require('./domain/users/user') as typeof import('./domain/users/user')),
    ...(require('./domain/users/token') as typeof import('./domain/users/token')),
  }),
  allowedIps: () => require('./domain/users/allowed-ips') as typeof import('./domain/users/allowed-ips'),
  schema: () => require('./graphql/schema') as typeof import('./graphql/schema'),
  worker: () => require('./bgp/standalone') as typeof import('./bgp/standalone'),
  sync: () => require('./domain/peeringdb/cli') as typeof import('./domain/peeringdb/cli'),
  bgp: () => require('./cli/bgp/command') as typeof import('./cli/bgp/command'),
  bus: () => require('./events/pg-bus') as typeof import('./events/pg-bus'),
};

const HELP = `peergate ${VERSION} — peering source of truth with a live BGP speaker inside

Usage: peergate <command> [options]      (peergate <command> --help for one command)

Commands:
  serve [--migrate] [--port N] [--host ADDR]
                               Serve GraphQL, GraphiQL and the REST dialects.
  migrate                      Apply pending migrations to the database.
  token create [--user NAME] [--read-only] [--expires ISO] [--description TEXT] [--allowed-ip CIDR]...
                               Create an API token; its key is printed once.
  token list [--user NAME]     List tokens (never their keys).
  token revoke <id>            Delete a token.
  schema                       Print the GraphQL schema (SDL).
  bgp-worker                   Run a bgp-core worker as its own process (DATABASE_URL must be PostgreSQL).
  sync-peeringdb [--url URL] [--cache-url URL] [--full] [--api-key KEY]
                               Mirror PeeringDB (or another PeerGate's /pdb/api) into the local tables.
  bgp neighbor [<address> [adj-in [<prefix>]]] [--url URL] [--token TOKEN] [--json]
                               Live BGP peers of a running PeerGate (speaker and BMP), one peer, its routes.
  help [command]               This text, or one command's.

Options: --help, -h (any command), --version, -V.
Configuration comes from the environment (PORT, HOST, DATABASE_URL, ...); see README.md.
Exit codes: 0 done, 1 failed, 2 bad command line or configuration, 3 database held by another process
(bgp: 4 credentials refused, 5 no such peer).`;

const COMMAND_HELP: Record<string, string> = {
  serve: `Usage: peergate serve [--migrate] [--port N] [--host ADDR]

Serves GraphQL (with graphql-ws subscriptions), GraphiQL, the dashboard and the REST dialects.
The embedded database creates its schema itself; with DATABASE_URL pointing at PostgreSQL,
--migrate applies pending migrations first.

  --migrate      apply pending migrations before serving
  --port N       port to listen on, 0-65535 (default: PORT, else 8000; 0: any free port)
  --host ADDR    address to listen on (default: HOST, else 0.0.0.0)

With GATEWAY_PROCESSES=N (N > 1, DATABASE_URL a PostgreSQL server), N gateway processes
serve the one port; this process starts them, replaces any that dies and stops them all.`,
  migrate: `Usage: peergate migrate

Applies pending migrations to the database DATABASE_URL names.`,
  token: `Usage: peergate token <create|list|revoke> [options]

  token create [--user NAME] [--read-only] [--expires ISO] [--description TEXT] [--allowed-ip CIDR]...
  token list [--user NAME]
  token revoke <id>

peergate token <subcommand> --help for one of them.`,
  'token create': `Usage: peergate token create [--user NAME] [--read-only] [--expires ISO] [--description TEXT] [--allowed-ip CIDR]...

Creates an API token and prints its key once (only a hash is stored).

  --user NAME          owner (default admin; created when missing, admin as a superuser)
  --read-only          a token that never writes (default: write-enabled)
  --expires ISO        expiry, strict ISO 8601 in the future: 2026-12-31 (midnight UTC)
                       or 2026-12-31T12:00:00Z / 2026-12-31T14:00:00+02:00 (default: never)
  --description TEXT   free text shown by token list
  --allowed-ip CIDR    a network the token may be used from (repeatable; default: anywhere)

The embedded database belongs to one process: while the server runs, use the createToken mutation.`,
  'token list': `Usage: peergate token list [--user NAME]

Lists tokens, one per line: id, user, key prefix, write or read, expiry, allowed networks, description.

  --user NAME   only this user's tokens`,
  'token revoke': `Usage: peergate token revoke <id>

Deletes the token with this id (peergate token list shows the ids).`,
  schema: `Usage: peergate schema

Prints the GraphQL schema (SDL) on stdout.`,
  'bgp-worker': `Usage: peergate bgp-worker

Runs a bgp-core worker as its own process (DATABASE_URL must be PostgreSQL). It leases routers in
the database (BGP_LEASE_SECONDS, default 15) and shares events with the gateways over
LISTEN/NOTIFY; run gateways with BGP_WORKER=off and as many workers as you like.`,
  'sync-peeringdb': SYNC_HELP,
  bgp: BGP_HELP,
  'bgp neighbor': BGP_NEIGHBOR_HELP,
};

/** What a command line asks for, parsed before any configuration or database is touched. */
type Action =
  | { kind: 'print'; text: string }
  | { kind: 'serve'; migrate: boolean; port?: number; host?: string }
  | { kind: 'migrate' }
  | { kind: 'token create'; user: string; readOnly: boolean; expires: Date | null; description: string; allowedIps: string[] | null }
  | { kind: 'token list'; user?: string }
  | { kind: 'token revoke'; id: number }
  | { kind: 'schema' }
  | { kind: 'bgp-worker' }
  | { kind: 'sync-peeringdb'; args: ReturnType<typeof parseSyncArgs> }
  | { kind: 'bgp'; args: BgpArgs };

const help = (name: string): Action => ({ kind: 'print', text: COMMAND_HELP[name] });

/** Parses the whole command line; throws UsageError. */
function parseCommandLine(argv: string[]): Action {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h') return { kind: 'print', text: HELP };
  if (command === '--version' || command === '-V' || command === 'version') {
    if (args.length) throw new UsageError(`${command}: unexpected argument "${args[0]}"`);
    return { kind: 'print', text: VERSION };
  }
  switch (command) {
    case 'help': {
      const name = args.join(' ');
      if (!name) return { kind: 'print', text: HELP };
      if (!COMMAND_HELP[name]) throw new UsageError(`help: no command "${name}"`);
      return help(name);
    }
    case 'serve': {
      const { values } = parseCommand('serve', args, { migrate: { type: 'boolean' }, port: { type: 'string' }, host: { type: 'string' } });
      if (values.help) return help('serve');
      return {
        kind: 'serve', migrate: !!values.migrate,
        port: values.port === undefined ? undefined : parsePort('serve', values.port),
        host: values.host === undefined ? undefined : parseHost('serve', values.host),
      };
    }
    case 'migrate':
    case 'schema':
    case 'bgp-worker': {
      const { values } = parseCommand(command, args, {});
      return values.help ? help(command) : { kind: command };
    }
    case 'token': {
      const [sub, ...rest] = args;
      if (sub === undefined) throw new UsageError('token: missing a subcommand: create, list or revoke');
      if (sub === '--help' || sub === '-h') return help('token');
      if (sub === 'create') {
        const name = 'token create';
        const { values } = parseCommand(name, rest, {
          user: { type: 'string' }, 'read-only': { type: 'boolean' }, expires: { type: 'string' },
          description: { type: 'string' }, 'allowed-ip': { type: 'string', multiple: true },
        });
        if (values.help) return help(name);
        if (values.user !== undefined && !values.user.trim()) throw new UsageError(`${name}: --user wants a user name`);
        let allowedIps: string[] | null = null;
        for (const cidr of (values['allowed-ip'] ?? []) as string[]) {
          try {
            allowedIps = [...(allowedIps ?? []), ...(load.allowedIps().parseAllowedIps([cidr], 'allowed-ip') ?? [])];
          } catch {
            throw new UsageError(`${name}: --allowed-ip wants an IPv4 or IPv6 network (10.0.0.0/8, 2001:db8::/32) or address, got "${cidr}"`);
          }
        }
        return {
          kind: name, user: values.user ?? 'admin', readOnly: !!values['read-only'],
          expires: values.expires === undefined ? null : parseExpires(name, values.expires),
          description: values.description ?? '', allowedIps,
        };
      }
      if (sub === 'list') {
        const { values } = parseCommand('token list', rest, { user: { type: 'string' } });
        return values.help ? help('token list') : { kind: 'token list', user: values.user };
      }
      if (sub === 'revoke') {
        const { values, positionals } = parseCommand('token revoke', rest, {}, 1);
        if (values.help) return help('token revoke');
        if (!positionals.length) throw new UsageError('token revoke: missing the token id (peergate token list shows them)');
        if (!/^[1-9]\d{0,9}$/.test(positionals[0])) throw new UsageError(`token revoke: a token id is a positive integer, got "${positionals[0]}"`);
        return { kind: 'token revoke', id: Number(positionals[0]) };
      }
      throw new UsageError(`token: unknown subcommand "${sub}" (create, list or revoke)`);
    }
    case 'sync-peeringdb': {
      const parsed = parseSyncArgs(args);
      return parsed.help ? help('sync-peeringdb') : { kind: 'sync-peeringdb', args: parsed };
    }
    case 'bgp': {
      const parsed = parseBgpArgs(args);
      if (parsed.help) return help(args[0] === 'neighbor' ? 'bgp neighbor' : 'bgp');
      return { kind: 'bgp', args: parsed };
    }
    default:
      throw new UsageError(command.startsWith('-') ? `: unknown option ${command} (peergate --help lists the commands)` : `: unknown command "${command}" (peergate --help lists the commands)`);
  }
}

async function tokenCommand(config: Config, action: Extract<Action, { kind: `token ${string}` }>): Promise<number> {
  const { User, Token, createToken } = load.tokens();
  const orm = await load.database().openDatabase(config);
  try {
    const em = orm.em.fork();
    if (action.kind === 'token create') {
      const username = action.user;
      let user = await em.findOne(User, { username });
      if (!user) {
        user = em.create(User, { username, isStaff: username === 'admin', isSuperuser: username === 'admin' } as any);
        await em.persist(user).flush();
      }
      const { token, key } = await createToken(em, user, {
        writeEnabled: !action.readOnly, expires: action.expires, description: action.description, allowedIps: action.allowedIps,
      });
      const limits = [token.expires ? `expires ${token.expires.toISOString()}` : '', token.allowedIps?.length ? `from ${token.allowedIps.join(', ')}` : ''].filter(Boolean);
      console.log(`Token ${token.id} for ${username} (${token.writeEnabled ? 'write' : 'read-only'}${limits.length ? `, ${limits.join(', ')}` : ''}). Key, shown only now:`);
      console.log(key);
      return 0;
    }
    if (action.kind === 'token list') {
      const tokens = await em.find(Token, action.user ? { user: { username: action.user } } : {}, { populate: ['user'], orderBy: { id: 'asc' } });
      for (const t of tokens) {
        console.log(`${t.id}\t${t.user.username}\t${t.keyPrefix}…\t${t.writeEnabled ? 'write' : 'read'}\texpires=${t.expires?.toISOString() ?? 'never'}\tallowed=${t.allowedIps?.join(',') || 'any'}\t${t.description}`);
      }
      return 0;
    }
    const n = await em.nativeDelete(Token, { id: action.id });
    if (!n) { console.error(`peergate token revoke: no token with id ${action.id}`); return 1; }
    // Gateways on the same PostgreSQL server forget their cached lookups of it now (the embedded
    // database has no other process: it is locked while a gateway runs).
    if (config.databaseUrl.startsWith('postgres')) {
      const bus = await load.bus().PgBus.connect(config.databaseUrl);
      bus.publishCredentialsChanged();
      await bus.close();
    }
    console.log(`Token ${action.id} revoked.`);
    return 0;
  } finally {
    await orm.close(true);
  }
}

async function main(argv: string[]): Promise<number> {
  const action = parseCommandLine(argv);
  if (action.kind === 'print') {
    console.log(action.text);
    return 0;
  }
  // A client of a running server: no configuration, ORM or schema to load.
  if (action.kind === 'bgp') return load.bgp().bgpCommand(action.args);
  require('reflect-metadata');
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) { console.error(`peergate: ${e.message}`); return USAGE_EXIT; }
    throw e;
  }
  switch (action.kind) {
    case 'serve':
      return load.serve().serve(config, { migrate: action.migrate, port: action.port ?? config.port, host: action.host ?? config.host });
    case 'migrate': {
      const { openOrm, migrate } = load.orm();
      const orm = await openOrm(config.databaseUrl);
      try {
        const done = await migrate(orm);
        console.log(done.length ? `Applied: ${done.join(', ')}` : 'No pending migrations.');
      } finally { await orm.close(true); }
      return 0;
    }
    case 'token create':
    case 'token list':
    case 'token revoke':
      return tokenCommand(config, action);
    case 'bgp-worker': {
      const { startStandaloneWorker, workerSettings } = load.worker();
      // The signals are ours before the worker starts: sessions it opens while starting still end
      // with a CEASE, never with a process killed outright.
      const starting = (async () => startStandaloneWorker(config, workerSettings()))();
      const stop = async () => {
        // A start that failed is reported (and exits non-zero) below.
        const w = await starting.catch(() => null);
        if (!w) return;
        await w.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let w: Awaited<typeof starting>;
      try {
        w = await starting;
      } catch (e) {
        if (e instanceof ConfigError) { console.error(`peergate: ${e.message}`); return USAGE_EXIT; }
        throw e;
      }
      console.log(`bgp-core worker ${w.workerId} running`);
      return new Promise<number>(() => undefined);
    }
    case 'sync-peeringdb':
      return load.sync().syncCommand(config, action.args);
    case 'schema': {
      process.stdout.write(await load.schema().schemaSdl());
      return 0;
    }
  }
}

main(process.argv.slice(2)).then((code) => { if (code !== undefined) process.exitCode = code; }, (e) => {
  // A command line PeerGate does not accept: one line, exit 2.
  if (e instanceof UsageError) { console.error(`peergate${e.message.startsWith(':') ? '' : ' '}${e.message}`); process.exit(USAGE_EXIT); }
  // An embedded database another process holds: one line saying which, and what to do instead.
  if (e instanceof DatabaseLockedError) { console.error(e.message); process.exit(e.exitCode); }
  console.error(e);
  process.exit(1);
});
