#!/usr/bin/env node
// The `peergate` command line.
import 'reflect-metadata';
import { Server } from 'node:net';
import { loadConfig, ConfigError, type Config } from './config';
import { openDatabase, startPeerGate } from './server';
import { openOrm, migrate } from './db/orm';
import { User } from './domain/users/user';
import { Token } from './domain/users/token';
import { createToken } from './domain/users/tokens';
import { schemaSdl } from './graphql/schema';
import { startStandaloneWorker, workerSettings } from './bgp/standalone';
import { syncCommand } from './domain/peeringdb/cli';

const HELP = `peergate — peering source of truth with a live BGP speaker inside

Usage: peergate <command> [options]

Commands:
  serve [--migrate]            Serve GraphQL, GraphiQL and the REST dialects on PORT (default 8000).
                               The embedded database creates its schema itself; with DATABASE_URL
                               pointing at PostgreSQL, --migrate applies pending migrations first.
  migrate                      Apply pending migrations to the database.
  token create [--user NAME] [--read-only] [--expires ISO] [--description TEXT]
                               Create an API token; its key is printed once.
  token list [--user NAME]     List tokens (never their keys).
  token revoke <id>            Delete a token.
  schema                       Print the GraphQL schema (SDL).
  bgp-worker                   Run a bgp-core worker as its own process (DATABASE_URL must be PostgreSQL).
                               It leases routers in the database (BGP_LEASE_SECONDS, default 15) and
                               shares events with the gateways over LISTEN/NOTIFY; run gateways with
                               BGP_WORKER=off and as many workers as you like.
  sync-peeringdb [--url URL] [--cache-url URL] [--full] [--api-key KEY]
                               Mirror PeeringDB (or another PeerGate's /pdb/api) into the local
                               tables: full load first (from --cache-url's <tag>-0.json files
                               when given), then since-based increments.
  help                         This text.

Configuration comes from the environment; see README.md.`;

/**
 * How long open connections may still deliver requests after SIGTERM, before the drain in
 * close() ends every connection without a parsed request (cutting off one still on the wire).
 */
const SHUTDOWN_GRACE_MS = 500;

/**
 * Refuses new connections, after accepting those the kernel already completed for us (closing
 * the listener resets them). A busy event loop accepts one per turn, so turn until one passes
 * without a connection (for at most a second).
 */
async function stopListening(server: Server): Promise<void> {
  let accepted = true;
  const onConnection = () => { accepted = true; };
  server.on('connection', onConnection);
  const until = Date.now() + 1000;
  while (accepted && Date.now() < until) {
    accepted = false;
    // Two immediates: the second runs after the next poll phase, where accepting happens.
    await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  }
  server.off('connection', onConnection);
  // net's close, not http's: http.Server.close() would also end the connections still idle.
  Server.prototype.close.call(server);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function tokenCommand(config: Config, args: string[]): Promise<number> {
  const orm = await openDatabase(config);
  try {
    const em = orm.em.fork();
    const sub = args[0];
    if (sub === 'create') {
      const username = option(args, '--user') ?? 'admin';
      const expires = option(args, '--expires');
      if (expires && Number.isNaN(Date.parse(expires))) { console.error(`--expires: not a date: ${expires}`); return 2; }
      let user = await em.findOne(User, { username });
      if (!user) {
        user = em.create(User, { username, isStaff: username === 'admin', isSuperuser: username === 'admin' } as any);
        await em.persist(user).flush();
      }
      const { token, key } = await createToken(em, user, {
        writeEnabled: !args.includes('--read-only'), expires: expires ? new Date(expires) : null, description: option(args, '--description') ?? '',
      });
      console.log(`Token ${token.id} for ${username} (${token.writeEnabled ? 'write' : 'read-only'}). Key, shown only now:`);
      console.log(key);
      return 0;
    }
    if (sub === 'list') {
      const username = option(args, '--user');
      const tokens = await em.find(Token, username ? { user: { username } } : {}, { populate: ['user'], orderBy: { id: 'asc' } });
      for (const t of tokens) {
        console.log(`${t.id}\t${t.user.username}\t${t.keyPrefix}…\t${t.writeEnabled ? 'write' : 'read'}\texpires=${t.expires?.toISOString() ?? 'never'}\t${t.description}`);
      }
      return 0;
    }
    if (sub === 'revoke') {
      const id = Number(args[1]);
      const n = Number.isInteger(id) ? await em.nativeDelete(Token, { id }) : 0;
      if (!n) { console.error(`No token with id ${args[1]}`); return 1; }
      console.log(`Token ${id} revoked.`);
      return 0;
    }
    console.error('token: expected create, list or revoke');
    return 2;
  } finally {
    await orm.close(true);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...args] = argv;
  if (command === 'help' || command === '--help' || command === '-h' || args.includes('--help')) {
    console.log(HELP);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) { console.error(`peergate: ${e.message}`); return 2; }
    throw e;
  }
  switch (command) {
    case 'serve': {
      const pg = await startPeerGate(config, { migrate: args.includes('--migrate') });
      const addr = pg.http.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      console.log(`PeerGate listening on http://127.0.0.1:${port}/ (GraphiQL at /graphql)`);
      const stop = async () => {
        await stopListening(pg.http.server);
        await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS));
        await pg.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return new Promise<number>(() => undefined);
    }
    case 'migrate': {
      const orm = await openOrm(config.databaseUrl);
      try {
        const done = await migrate(orm);
        console.log(done.length ? `Applied: ${done.join(', ')}` : 'No pending migrations.');
      } finally { await orm.close(true); }
      return 0;
    }
    case 'token':
      return tokenCommand(config, args);
    case 'bgp-worker': {
      let w;
      try {
        w = await startStandaloneWorker(config, workerSettings());
      } catch (e) {
        if (e instanceof ConfigError) { console.error(`peergate: ${e.message}`); return 2; }
        throw e;
      }
      console.log(`bgp-core worker ${w.workerId} running`);
      const stop = async () => { await w.close(); process.exit(0); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return new Promise<number>(() => undefined);
    }
    case 'sync-peeringdb':
      return syncCommand(config, args);
    case 'schema': {
      process.stdout.write(await schemaSdl());
      return 0;
    }
    default:
      console.error(`peergate: unknown command "${command}"\n`);
      console.log(HELP);
      return 2;
  }
}

main(process.argv.slice(2)).then((code) => { if (code !== undefined) process.exitCode = code; }, (e) => {
  console.error(e);
  process.exit(1);
});
