// The HTTP surface: one express app and one port for GraphQL (HTTP + graphql-ws),
// GraphiQL, the REST dialects, health checks and the dashboard.
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type NextFunction } from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, validate, type GraphQLFormattedError, type GraphQLSchema, type ExecutionArgs } from 'graphql';
import type { Config } from '../config';
import { databaseHealth, type Orm } from '../db/orm';
import { bindRequest, RequestContext } from '../db/context';
import { makeSchema } from '../graphql/schema';
import { Loaders } from '../graphql/loaders';
import { limitsFrom, checkCost, checkLogin, validationRules, parseLimited, parseOptions, documentTooLarge, isTokenLimit, withCode, type Limits } from '../graphql/limits';
import { coercionFields, databaseUnavailable, domainCause, domainExtensions, UNAVAILABLE_MESSAGE, withDomainCode } from '../graphql/errors';
import { Executor } from '../graphql/executor';
import { CompiledExecution } from '../graphql/compiled-execution';
import { localGateway } from './jit-gateway';
import type { CountExecutions } from '../graphql/shared-subscribe';
import { subscriptionFanout } from './ws-fanout';
import type { GqlContext } from '../graphql/context';
import type { EventBus } from '../events/bus';
import { authenticate, anonymous, recordCaller } from './auth';
import { SubscriptionSessions } from './ws-sessions';
import { TokenCache } from './token-cache';
import { credentialsChanged } from './credentials';
import { CredentialChanges } from '../domain/users/credential-changes';
import { batchWrites } from './ws-batching';
import { graphqlJsonBody } from './json-body';
import { graphqlHttp } from './graphql-http';
import { BodyError } from './body';
import { graphiqlRouter, wantsHtml, graphiqlPage } from './graphiql';
import { dashboardRouter } from './dashboard';
import { cors } from './cors';
import { securityHeaders } from './security-headers';
import { requestIds } from './request-id';
import { API_VERSION } from './version';
import { Metrics, metricsAuthorized } from './metrics';
import { metricsText } from './process-metrics';
import { requestLogger, noteGraphql } from './request-log';
import { localWorker } from '../bgp/local';
import { LocalSpeaker } from '../bgp/speaker-api/local';
import type { SpeakerApi } from '../bgp/speaker-api/types';
import { bgpPeerSamples } from '../bgp/peer-metrics';
import { logger, logInternalError } from '../log';

/** `speaker`: live BGP (src/bgp/speaker-api); a process without one answers that no speaker runs here. */
export interface AppDeps { config: Config; orm: Orm; bus: EventBus; speaker?: SpeakerApi }

export interface RunningApp {
  app: express.Express;
  metrics: Metrics;
  server: Server;
  schema: GraphQLSchema;
  executor: Executor;
  /** This gateway's short-lived token lookups, forgotten on every credential change (token-cache.ts). */
  tokens: TokenCache;
  /** Builds the request context the way an HTTP request would, for in-process callers. */
  contextFor(req: Request): Promise<GqlContext>;
  /** The whole process has started (jobs, BGP worker, BMP): /readyz may answer 200 from now on. */
  markStarted(): void;
  close(): Promise<void>;
}

/** Mounted by the REST dialects: (app, running) => void, registered before start. */
export type Mount = (app: express.Express, running: RunningApp) => void;
const mounts: Mount[] = [];
export function registerMount(m: Mount): void { mounts.push(m); }

function formatError() {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const cause = domainCause(error);
    const ext: Record<string, unknown> = { ...(formatted.extensions ?? {}), ...(cause ? domainExtensions(cause) : {}) };
    const coerced = coercionFields(formatted.message);
    if (coerced && (ext.code === 'BAD_USER_INPUT' || ext.code === undefined)) {
      ext.code = 'BAD_USER_INPUT';
      if (coerced.index !== undefined) ext.items = Object.assign([], { [coerced.index]: coerced.fields });
      ext.fields = coerced.fields;
    }
    // Apollo parses under the token limit; its refusal reads like the other limits.
    if (ext.code === 'GRAPHQL_PARSE_FAILED' && isTokenLimit(formatted.message)) {
      return { message: `Document exceeds the maximum of ${formatted.message.match(/\d+/)![0]} tokens.`, extensions: { code: 'QUERY_TOO_LARGE' } };
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

/**
 * The response of each HTTP GraphQL request (its log line gets the operation's outcome). Apollo
 * hands plugins a shallow copy of the context, so the key is the request's own EntityManager
 * fork (the request id may be a client's, shared by several requests).
 */
const responseOf = new WeakMap<object, Response>();

/** GraphQL latency by type, bounded name and outcome; the operation and its error codes for the request log. */
function metricsPlugin(metrics: Metrics): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart() {
      const end = metrics.graphqlDuration.startTimer();
      let type = 'unknown';
      let name: string | null = null;
      return {
        // The resolved operation's own name (a GraphQL Name), not the client's operationName field.
        async didResolveOperation({ operation }) { type = operation?.operation ?? 'unknown'; name = operation?.name?.value ?? null; },
        async willSendResponse({ response, contextValue }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors ?? [] : [];
          end({ type, name: metrics.operationLabel(name), outcome: errors.length ? 'error' : 'ok' });
          const res = contextValue ? responseOf.get(contextValue.em) : undefined;
          if (res) noteGraphql(res, { operationName: name, operationType: type === 'unknown' ? null : type, codes: errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')) });
        },
      };
    },
  };
}

/**
 * Depth, complexity and LOGIN_REQUIRED are checked with the request's variables and
 * caller, before execution (Apollo has run graphql's specified rules and parsed under
 * the token limit; the byte limit is checked before it, in startApp).
 */
function limitsPlugin(config: Config, limits: Limits): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, contextValue, operation }) {
          // Subscriptions are streams: over HTTP they would resolve to nothing (a 500 in a 200).
          if (operation?.operation === 'subscription') {
            throw new GraphQLError('Subscriptions run over graphql-ws: open a WebSocket to /graphql (subprotocol graphql-transport-ws).', {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          const anonymousRefused = config.loginRequired && !contextValue.caller.user;
          // The request rules' checks called directly: validate() would walk the whole document
          // with a TypeInfo per request for rules that only read the Document node.
          const errors = [...checkLogin(document, anonymousRefused), ...checkCost(schema, document, limits, request.variables ?? {})];
          if (errors.length) {
            const status = errors[0].extensions?.code === 'UNAUTHENTICATED' ? 401 : 400;
            throw new GraphQLError(errors[0].message, { extensions: { ...errors[0].extensions, http: { status } } });
          }
        },
      };
    },
  };
}

/** Counts subscription executions with the two label sets bound once (it runs per subscriber per event). */
function executionCounter(metrics: Metrics): CountExecutions {
  const executed = metrics.subscriptionExecutions.labels({ result: 'executed' });
  const shared = metrics.subscriptionExecutions.labels({ result: 'shared' });
  return (result, n = 1) => { if (n) (result === 'shared' ? shared : executed).inc(n); };
}

export async function startApp(deps: AppDeps, port = deps.config.port, host = deps.config.host): Promise<RunningApp> {
  const { config, orm, bus } = deps;
  const speaker = deps.speaker ?? new LocalSpeaker();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // No ETag: express would hash every answer's whole body for it (send.ts says why none is needed).
  app.set('etag', false);
  const server = createServer(app);
  // Longer than common client/proxy idle timeouts, so a reused keep-alive socket is not reset under it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const schema = await makeSchema(bus);
  const metrics = new Metrics({ bgpPeers: () => bgpPeerSamples(localWorker()), bgpLoopDelay: async () => (await localWorker()?.thread.loopDelay(true)) ?? null });
  const limits = limitsFrom(config);
  // One compiled-document cache for Apollo and the dialects (GRAPHQL_JIT=false: graphql-js).
  const execution = new CompiledExecution(schema, config.graphqlJit);
  const executor = new Executor(schema, limits, execution);
  const tokens = new TokenCache();
  // A credential written here: forget at once, and tell every gateway (this one included, whose
  // open subscriptions then check their caller again).
  orm.em.getEventManager().registerSubscriber(new CredentialChanges(() => { tokens.invalidate(); bus.publishCredentialsChanged(); }));
  const stopHearingCredentials = bus.listen('credentialsChanged', () => { tokens.invalidate(); credentialsChanged(); });

  const newContext = async (authorization: string | undefined, requestId: string, clientIp: string | undefined, store?: RequestContext): Promise<GqlContext> => {
    const em = orm.em.fork();
    // Before authenticating: its queries are the request's too.
    if (store) bindRequest(em, store);
    const caller = authorization ? await authenticate(em, authorization, clientIp, { cache: tokens }) : anonymous();
    const ctx: GqlContext = { em, caller, loaders: null as unknown as Loaders, requestId, config, bus, speaker };
    ctx.loaders = new Loaders(em, () => ctx.caller);
    return ctx;
  };

  // Every response carries the request id, the same one recorded on object changes.
  app.use((req: Request, res: Response, next: NextFunction) => {
    // A client's well-formed X-Request-ID is kept; change records need a UUID (src/http/request-id.ts).
    const { requestId, changeRequestId } = requestIds(req.headers['x-request-id']);
    res.locals.requestId = requestId;
    res.locals.changeRequestId = changeRequestId;
    if (changeRequestId !== requestId) logger.info({ requestId, changeRequestId }, 'X-Request-ID is not a UUID: its change records use changeRequestId');
    res.setHeader('X-Request-ID', requestId);
    res.setHeader('API-Version', API_VERSION);
    res.locals.store = new RequestContext(changeRequestId);
    next();
  });
  app.use(metrics.middleware());
  app.use(requestLogger({ user: (res) => (res.locals.store as RequestContext | undefined)?.userName, queries: (res) => (res.locals.store as RequestContext | undefined)?.queryCount }));

  // Security headers on every response; CORS (CORS_ORIGINS) answers preflights before any route.
  app.use(securityHeaders(), cors(config.corsOrigins));

  const contextFor = async (req: Request): Promise<GqlContext> => {
    const res = req.res!;
    const ctx = await newContext(req.headers.authorization, res.locals.changeRequestId, req.socket.remoteAddress, res.locals.store);
    responseOf.set(ctx.em, res);
    recordCaller(res, ctx, ctx.caller);
    return ctx;
  };

  // Liveness: the process answers. Readiness: the process has finished starting (the port opens
  // before the jobs, the BGP worker and BMP start), and the database and the event bus work.
  let started = false;
  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = { startup: started ? 'ok' : 'starting' };
    checks.database = await databaseHealth(orm);
    try { await bus.ping(); checks.bus = 'ok'; } catch (e) { checks.bus = (e as Error).message; }
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
  });
  // One source, execution and serialization per event for the subscribers that share document,
  // variables and rights, its frames written to each socket (src/graphql/fanout.ts).
  const fanout = subscriptionFanout(executionCounter(metrics));
  // /healthz and /readyz stay anonymous (probes); /metrics wants METRICS_TOKEN when it is set.
  // Gauges read at a scrape; with several gateway processes, every process's (process-metrics.ts).
  const metricsNow = metricsText(metrics.registry, () => {
    metrics.subscriptionGroups.set(fanout.groups.size);
    const pool = (orm.em.getConnection() as any).getKnex?.()?.client?.pool;
    if (pool) {
      metrics.dbPool.set({ state: 'used' }, pool.numUsed());
      metrics.dbPool.set({ state: 'free' }, pool.numFree());
      metrics.dbPool.set({ state: 'pending' }, pool.numPendingAcquires());
    }
  });
  app.get('/metrics', async (req, res) => {
    if (config.metricsToken && !metricsAuthorized(req.headers.authorization, config.metricsToken)) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').json({ detail: 'Authentication credentials were not provided.' });
      return;
    }
    const text = await metricsNow();
    if (text === null) { res.status(503).json({ detail: 'The gateway processes did not report their metrics in time.' }); return; }
    res.type(metrics.registry.contentType).send(text);
  });

  app.use('/graphiql', graphiqlRouter());

  const sessions = new SubscriptionSessions(orm, config.subscriptionRecheckSeconds);
  // maxPayload bounds every message, connection_init included (ws closes with 1009 while
  // the frame is still arriving); sockets without an accepted init are dropped after the timeout.
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: config.wsMaxPayload });
  const wsCleanup = useServer({
    schema,
    subscribe: fanout.subscribe,
    onOperation: fanout.onOperation,
    connectionInitWaitTimeout: config.wsConnectionInitTimeout,
    // The limits HTTP applies: parse under the byte and token limits, then graphql's rules and
    // ours. Under LOGIN_REQUIRED onConnect has refused anonymous sockets; the rule is kept anyway.
    onSubscribe: (c, _id, payload): ExecutionArgs | readonly GraphQLError[] => {
      let document;
      try {
        document = parseLimited(typeof payload.query === 'string' ? payload.query : '', limits);
      } catch (e) {
        return withCode([e instanceof GraphQLError ? e : new GraphQLError('Syntax Error')], 'GRAPHQL_PARSE_FAILED');
      }
      const variables = (payload.variables ?? {}) as Record<string, unknown>;
      const anonymousRefused = config.loginRequired && !(c.connectionParams?.authorization ?? c.connectionParams?.Authorization);
      const errors = validate(schema, document, validationRules({ limits, variables, anonymousRefused }));
      if (errors.length) return withCode(errors, 'GRAPHQL_VALIDATION_FAILED');
      return { schema, document, variableValues: variables, operationName: payload.operationName };
    },
    // The core's errors get their GraphQL codes here too (a refused subscription, a failed event).
    onError: (_c, _id, _payload, errors) => errors.map((e) => withDomainCode(e).toJSON()),
    onNext: (_c, _id, _payload, _args, result) => (result.errors?.some((e) => domainCause(e)) ? { ...result, errors: result.errors.map((e) => withDomainCode(e).toJSON()) } : undefined),
    context: async (c) => {
      const auth = (c.connectionParams?.authorization ?? c.connectionParams?.Authorization) as string | undefined;
      return newContext(auth, randomUUID(), c.extra.request.socket.remoteAddress);
    },
    onConnect: async (c) => {
      const auth = (c.connectionParams?.authorization ?? c.connectionParams?.Authorization) as string | undefined;
      if (!auth && !config.loginRequired) return true;
      const { socket, request } = c.extra;
      const caller = await authenticate(orm.em.fork(), auth, request.socket.remoteAddress, { cache: tokens });
      const ok = !caller.error && (!config.loginRequired || !!caller.user);
      if (ok && auth) sessions.hold(socket, auth, request.socket.remoteAddress);
      return ok;
    },
  }, wss);
  // graphql-ws prints every socket error with its stack (console.error); an oversized (1009) or
  // malformed frame is the client's doing, and ws closes that socket itself: one debug line instead.
  wss.on('connection', (socket) => {
    // A burst's messages to one socket leave in one write (src/http/ws-batching.ts).
    batchWrites(socket);
    socket.removeAllListeners('error');
    socket.on('error', (err) => logger.debug({ err: err.message, code: (err as { code?: string }).code }, 'graphql-ws: socket error'));
  });

  const apollo = new ApolloServer<GqlContext>({
    // Without jit, Apollo's own graphql-js execution, exactly as before it existed.
    ...(config.graphqlJit ? { gateway: localGateway(schema, execution) } : { schema }),
    formatError: formatError(),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    parseOptions: parseOptions(limits),
    // `peergate serve` owns SIGINT/SIGTERM (src/main.ts): Apollo's own handlers would drain
    // without the grace there, then re-raise the signal and kill the process before the
    // database is closed, so it would never exit 0.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      // No type or field declares @cacheControl; Apollo's default plugin would still wrap every
      // field's resolver to compute a policy nobody reads (10-14% of a list request's CPU).
      ApolloServerPluginCacheControlDisabled(),
      limitsPlugin(config, limits),
      metricsPlugin(metrics),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();

  const jsonBody = graphqlJsonBody(config.bodyLimit);
  app.get('/graphql', (req, res, next) => (wantsHtml(req) ? res.type('html').send(graphiqlPage()) : next()));
  // The byte limit, before Apollo parses (its parse keeps the token limit).
  const documentBytes = (req: Request, res: Response, next: NextFunction) => {
    const query = req.method === 'GET' ? req.query.query : (req.body as { query?: unknown } | undefined)?.query;
    const tooLarge = typeof query === 'string' ? documentTooLarge(query, limits) : null;
    if (!tooLarge) return next();
    res.status(400).json({ errors: [{ message: tooLarge.message, extensions: tooLarge.extensions }] });
  };
  app.use('/graphql', jsonBody, documentBytes, graphqlHttp(apollo, (req) => contextFor(req)));

  const running: RunningApp = {
    app, metrics, server, schema, executor, tokens, contextFor,
    markStarted: () => { started = true; },
    close: async () => {
      stopHearingCredentials();
      sessions.close();
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
    const status = err instanceof BodyError ? err.status : err instanceof SyntaxError ? 400 : err?.status && err.status < 500 ? err.status : 500;
    const message = status === 413 ? 'Request body is too large.' : status === 415 ? `Unsupported request body: ${err.message}` : status === 400 ? 'Malformed JSON in request body.' : 'Internal server error';
    if (status >= 500) logInternalError(err, { requestId: res.locals.requestId }, 'unhandled error');
    res.status(status).json({ errors: [{ message, extensions: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 400 || status === 415 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }] });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return running;
}
