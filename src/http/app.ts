// The HTTP surface: one express app and one port for GraphQL (HTTP + graphql-ws),
// GraphiQL, the REST dialects, health checks and the dashboard.
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type NextFunction } from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, validate, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Config } from '../config';
import type { Orm } from '../db/orm';
import { requestContext, type RequestContext } from '../db/context';
import { makeSchema } from '../graphql/schema';
import { Loaders } from '../graphql/loaders';
import { limitRules } from '../graphql/limits';
import { coercionFields, databaseUnavailable, UNAVAILABLE_MESSAGE } from '../graphql/errors';
import { Executor } from '../graphql/executor';
import type { GqlContext } from '../graphql/context';
import type { EventBus } from '../events/bus';
import { authenticate, anonymous } from './auth';
import { graphiqlRouter, wantsHtml, graphiqlPage } from './graphiql';
import { dashboardRouter } from './dashboard';
import { API_VERSION } from './version';
import { Metrics } from './metrics';
import { logger, logInternalError } from '../log';

export interface AppDeps { config: Config; orm: Orm; bus: EventBus }

export interface RunningApp {
  app: express.Express;
  metrics: Metrics;
  server: Server;
  schema: GraphQLSchema;
  executor: Executor;
  /** Builds the request context the way an HTTP request would, for in-process callers. */
  contextFor(req: Request): Promise<GqlContext>;
  close(): Promise<void>;
}

/** Mounted by the REST dialects: (app, running) => void, registered before start. */
export type Mount = (app: express.Express, running: RunningApp) => void;
const mounts: Mount[] = [];
export function registerMount(m: Mount): void { mounts.push(m); }

function formatError() {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const ext: Record<string, unknown> = { ...(formatted.extensions ?? {}) };
    const coerced = coercionFields(formatted.message);
    if (coerced && (ext.code === 'BAD_USER_INPUT' || ext.code === undefined)) {
      ext.code = 'BAD_USER_INPUT';
      if (coerced.index !== undefined) ext.items = Object.assign([], { [coerced.index]: coerced.fields });
      ext.fields = coerced.fields;
    }
    if (!ext.code) ext.code = 'INTERNAL_SERVER_ERROR';
    delete ext.stacktrace;
    // Internal errors are logged with their stack; clients never see SQL or code paths.
    if (ext.code === 'INTERNAL_SERVER_ERROR') {
      const unavailable = databaseUnavailable(error);
      logInternalError(error, { path: formatted.path }, unavailable ? 'GraphQL: database unavailable' : 'GraphQL internal error');
      return unavailable
        ? { message: UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE' }, path: formatted.path }
        : { message: 'Internal server error', extensions: { code: ext.code }, path: formatted.path };
    }
    return { ...formatted, extensions: ext };
  };
}

function metricsPlugin(metrics: Metrics): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart() {
      const end = metrics.graphqlDuration.startTimer();
      let type = 'unknown';
      let name = '';
      return {
        async didResolveOperation({ operation, operationName }) { type = operation?.operation ?? 'unknown'; name = operationName ?? ''; },
        async willSendResponse({ errors }) { end({ type, name, outcome: errors?.length ? 'error' : 'ok' }); },
      };
    },
  };
}

/** Depth and complexity are checked with the request's variables, before execution. */
function limitsPlugin(config: Config): ApolloServerPlugin<GqlContext> {
  const limits = { maxDepth: config.graphqlMaxDepth, maxComplexity: config.graphqlMaxComplexity, defaultPage: config.paginateCount, maxPage: config.maxPageSize };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const errors = validate(schema, document, [limitRules(limits, () => request.variables ?? {})]);
          if (errors.length) {
            throw new GraphQLError(errors[0].message, { extensions: { ...errors[0].extensions, http: { status: 400 } } });
          }
        },
      };
    },
  };
}

export async function startApp(deps: AppDeps, port = deps.config.port, host = deps.config.host): Promise<RunningApp> {
  const { config, orm, bus } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const server = createServer(app);
  // Longer than common client/proxy idle timeouts, so a reused keep-alive socket is not reset under it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const schema = await makeSchema(bus);
  const metrics = new Metrics();
  const executor = new Executor(schema);

  const newContext = async (authorization: string | undefined, requestId: string): Promise<GqlContext> => {
    const em = orm.em.fork();
    const caller = authorization ? await authenticate(em, authorization) : anonymous();
    return { em, caller, loaders: new Loaders(em), requestId, config, bus };
  };

  // Every response carries the request id, the same one recorded on object changes.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-ID', requestId);
    res.setHeader('API-Version', API_VERSION);
    const store: RequestContext = { requestId, userId: null, userName: '', queryCount: 0 };
    res.locals.store = store;
    const started = performance.now();
    res.on('finish', () => logger.info({ requestId, method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(performance.now() - started), queries: store.queryCount, user: store.userName || undefined }, 'request'));
    requestContext.run(store, next);
  });
  app.use(metrics.middleware());

  const contextFor = async (req: Request): Promise<GqlContext> => {
    const res = req.res!;
    const ctx = await newContext(req.headers.authorization, res.locals.requestId);
    const store = res.locals.store as RequestContext;
    store.userId = ctx.caller.user?.id ?? null;
    store.userName = ctx.caller.user?.username ?? '';
    return ctx;
  };

  // Liveness: the process answers. Readiness: the database and the event bus work.
  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    try { await orm.em.fork().getConnection().execute('select 1'); checks.database = 'ok'; } catch (e) { checks.database = (e as Error).message; }
    try { await bus.ping(); checks.bus = 'ok'; } catch (e) { checks.bus = (e as Error).message; }
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
  });
  app.get('/metrics', async (_req, res) => {
    const pool = (orm.em.getConnection() as any).getKnex?.()?.client?.pool;
    if (pool) {
      metrics.dbPool.set({ state: 'used' }, pool.numUsed());
      metrics.dbPool.set({ state: 'free' }, pool.numFree());
      metrics.dbPool.set({ state: 'pending' }, pool.numPendingAcquires());
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use('/graphiql', graphiqlRouter());

  const wss = new WebSocketServer({ server, path: '/graphql' });
  const wsCleanup = useServer({
    schema,
    context: async (c) => {
      const auth = (c.connectionParams?.authorization ?? c.connectionParams?.Authorization) as string | undefined;
      return newContext(auth, randomUUID());
    },
    onConnect: async (c) => {
      const auth = (c.connectionParams?.authorization ?? c.connectionParams?.Authorization) as string | undefined;
      if (!auth && !config.loginRequired) return true;
      const caller = await authenticate(orm.em.fork(), auth);
      return !caller.error && (!config.loginRequired || !!caller.user);
    },
  }, wss);

  const apollo = new ApolloServer<GqlContext>({
    schema,
    formatError: formatError(),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // `peergate serve` owns SIGINT/SIGTERM (src/main.ts): Apollo's own handlers would drain
    // without the grace there, then re-raise the signal and kill the process before the
    // database is closed, so it would never exit 0.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      limitsPlugin(config),
      metricsPlugin(metrics),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();

  const jsonBody = express.json({ limit: config.bodyLimit, strict: false });
  app.get('/graphql', (req, res, next) => (wantsHtml(req) ? res.type('html').send(graphiqlPage()) : next()));
  app.use('/graphql', jsonBody, expressMiddleware(apollo, { context: async ({ req }) => contextFor(req) }));

  const running: RunningApp = {
    app, metrics, server, schema, executor, contextFor,
    close: async () => {
      await apollo.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  for (const m of mounts) m(app, running);
  // After the dialects: yabgp answers JSON clients at `/`, browsers fall through to the dashboard.
  app.use(dashboardRouter());

  // Body errors on /graphql (malformed JSON, too large) in GraphQL's shape.
  app.use((err: any, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = err?.type === 'entity.too.large' ? 413 : err?.type === 'entity.parse.failed' || err instanceof SyntaxError ? 400 : err?.status && err.status < 500 ? err.status : 500;
    const message = status === 413 ? 'Request body is too large.' : status === 400 ? 'Malformed JSON in request body.' : 'Internal server error';
    if (status >= 500) logInternalError(err, { requestId: res.locals.requestId }, 'unhandled error');
    res.status(status).json({ errors: [{ message, extensions: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 400 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }] });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return running;
}
