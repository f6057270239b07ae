import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import secureJson from 'secure-json-parse';
import { AppError } from './errors';
import { installAuth } from './authPlugin';
import { installReadYourWrites } from './readYourWrites';
import { sessionCache } from './auth/sessionCache';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import type { Db } from './db/open';
import { installErrorHandler } from './errorHandler';
import { adminImportRoutes } from './routes/adminImportRoutes';
import { adminPeopleRoutes } from './routes/adminPeopleRoutes';
import { adminUnitRoutes } from './routes/adminUnitRoutes';
import { auditRoutes } from './routes/auditRoutes';
import { calendarRoutes } from './routes/calendarRoutes';
import { fileRoutes } from './files/fileRoutes';
import { channelRoutes } from './routes/channelRoutes';
import { handoverRoutes } from './routes/handoverRoutes';
import { messageRoutes } from './routes/messageRoutes';
import { caseRoutes } from './routes/caseRoutes';
import { healthRoutes } from './routes/healthRoutes';
import { metricsRoutes } from './routes/metricsRoutes';
import { operatorRoutes } from './routes/operatorRoutes';
import { appMetrics } from './metrics/appMetrics';
import { metricsAccess } from './metrics/metricsAccess';
import { ledgerRoutes } from './routes/ledgerRoutes';
import { orgRoutes } from './routes/orgRoutes';
import { personalRoutes } from './routes/personalRoutes';
import { processRoutes } from './routes/processRoutes';
import { authoringRoutes } from './routes/authoringRoutes';
import { caseSchema, errorSchema } from './routes/schemas';
import { sessionRoutes } from './routes/sessionRoutes';
import { ssoRoutes } from './routes/ssoRoutes';
import { serveWebApp } from './webApp';
import { firstUnsafe, MAX_BODY_DEPTH, maxDepth, unsafeMessage } from './inputSafety';
import { installValidators } from './validators';

/** Trusts the nearest `hops` proxies (TRUST_PROXY=1: the one in front of us), as proxy-addr counts them. */
const hopsTrusted = (hops: number) => (_address: string, hop: number) => hop < hops;

/**
 * Parts a benchmark switches off to measure what they cost, in rounds paired with everything on
 * (bench/serveWithout.ts, for `npm run bench:http`). Neither the command line nor the environment
 * reaches them: a county's server always runs with every part on.
 */
export interface BenchWithout {
  /** No /metrics and nothing counted. */
  metrics?: boolean;
  /** Steps not held to STEP_MAX_KB and LIST_MAX_ROWS. */
  limits?: boolean;
}

/** Builds the HTTP app over an open database, reading `clock` (the machine's by default) as `app.clock`. Tests drive it with `app.inject()`. */
export async function buildApp(db: Db, config: Config, options: { logger?: boolean; logStream?: { write(line: string): void }; clock?: Clock; operatorToken?: string; without?: BenchWithout } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logStream ? { level: 'info', stream: options.logStream } : options.logger === false ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // No proxy is trusted unless configured (TRUST_PROXY): X-Forwarded-For from anyone would walk around the login limit.
    trustProxy: typeof config.trustProxy === 'number' ? hopsTrusted(config.trustProxy) : config.trustProxy,
    // Errors fastify meets before any route (a malformed address): the same catalogue and shape as every other error.
    frameworkErrors: (err, _request, reply) => {
      const error = err.code === 'FST_ERR_BAD_URL' ? new AppError('CF_VALIDATION', '请求的地址含有无法识别的字符') : new AppError('CF_VALIDATION', err.message);
      void (reply as unknown as { status(code: number): { send(body: unknown): void } }).status(error.status).send({ error: { code: error.code, message: error.message, details: [] } });
    },
    // fastify's own per-request lines are replaced by the one line below.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.decorate('clock', options.clock ?? systemClock);
  const metrics = options.without?.metrics ? undefined : appMetrics(db, app.clock);
  const metricsAllowed = metricsAccess(config.metricsToken, config.metricsAllow);
  if (metrics) app.addHook('onClose', async () => metrics.close());
  // One structured line per request (pino): what, who, how it ended, how long it took; and the request counted under its route pattern.
  app.addHook('onResponse', async (request, reply) => {
    metrics?.request(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime), county: request.session?.county, user: request.session?.userId }, 'request');
  });
  installErrorHandler(app);
  // Our own JSON parser, so prototype poisoning (400 CF_UNSAFE_INPUT) is told apart from broken JSON (400 CF_BAD_JSON).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    // Nesting is measured on the text, before parsing: nothing deeper than CountyFlow reads reaches the parser or a validator.
    if (maxDepth(text) > MAX_BODY_DEPTH) {
      done(new AppError('CF_VALIDATION', `请求内容嵌套过深（最多 ${MAX_BODY_DEPTH} 层）`, [{ path: '/', field: '请求内容', message: `「请求内容」嵌套超过 ${MAX_BODY_DEPTH} 层` }]), undefined);
      return;
    }
    let value: unknown;
    try {
      value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (e) {
      done(new AppError(/forbidden/.test((e as Error).message) ? 'CF_UNSAFE_INPUT' : 'CF_BAD_JSON'), undefined);
      return;
    }
    const unsafe = firstUnsafe(value);
    if (unsafe) {
      const field = unsafe.path === '/' ? '请求内容' : unsafe.path.slice(1).replace(/\//g, '.');
      done(new AppError('CF_VALIDATION', undefined, [{ path: unsafe.path, field, message: unsafeMessage(unsafe, field) }]), undefined);
      return;
    }
    done(null, value);
  });
  installValidators(app);
  await app.register(cookie);
  await app.register(rateLimit, { global: false, errorResponseBuilder: () => new AppError('CF_RATE_LIMITED') });
  await app.register(swagger, {
    openapi: {
      info: { title: 'CountyFlow 县域流程 API', version: '1.0.0', description: '会话 Cookie 认证；写操作需带 X-CSRF-Token。错误格式：{ error: { code, message, details } }。' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.addSchema(caseSchema);
  app.addSchema(errorSchema);
  // Who is calling, kept in memory once read (revocations reach every server within a second).
  const sessions = sessionCache(db, config.sessionCacheMs);
  installAuth(app, db, sessions);
  installReadYourWrites(app, config);
  await app.register(healthRoutes, { db });
  if (metrics) await app.register(metricsRoutes, { metrics, access: metricsAllowed });
  if (options.operatorToken) await app.register(operatorRoutes, { db, config, token: options.operatorToken });
  await app.register(sessionRoutes, { db, config, sessions });
  await app.register(ssoRoutes, { db, config });
  await app.register(adminPeopleRoutes, { prefix: '/api/admin', db, sessions });
  await app.register(adminUnitRoutes, { prefix: '/api/admin', db });
  await app.register(adminImportRoutes, { prefix: '/api/admin', db });
  await app.register(calendarRoutes, { db });
  await app.register(personalRoutes, { db });
  orgRoutes(app, db);
  processRoutes(app, db, config);
  authoringRoutes(app, db);
  ledgerRoutes(app, db);
  caseRoutes(app, db, options.without?.limits ? {} : config);
  auditRoutes(app, db, config);
  fileRoutes(app, db, config);
  messageRoutes(app, db);
  channelRoutes(app, db, config);
  handoverRoutes(app, db, config);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await serveWebApp(app);
  return app;
}
