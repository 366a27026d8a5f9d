import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import {
  type ApiConfig,
  type AppRouter,
  appRouter,
  type Context,
  callProcedure,
  createContext,
  createOpenApiDocument,
  fail,
  LecternError,
  multipartRoutes,
  type Services,
} from '@lectern/api';
import type { Database } from '@lectern/db';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Env } from './env.ts';
import { adminPlugin } from './plugins/admin.ts';
import { contentKeyOf, takeContentKey } from './plugins/content-key.ts';
import { docsPlugin } from './plugins/docs.ts';
import { installErrorHandlers, sendError } from './plugins/errors.ts';
import { installContentEtags } from './plugins/etag.ts';
import { eventsPlugin } from './plugins/events.ts';
import { mediaPlugin } from './plugins/media.ts';
import { clientErrorHandler, installBodyGuards } from './plugins/request-guards.ts';
import { restPlugin } from './plugins/rest.ts';
import { trpcPlugin } from './plugins/trpc.ts';
import { uploadsPlugin } from './plugins/uploads.ts';
import { version } from './version.ts';

export interface AppDeps {
  env: Env;
  config: ApiConfig;
  db: Kysely<Database>;
  services: Services;
  /** The process's logger (apps/server/src/logger.ts); without one, Fastify makes its own at LOG_LEVEL. */
  logger?: FastifyBaseLogger;
  /** Closed with the app (the database, in production). */
  onClose?: () => Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    lectern: { createContext(req: FastifyRequest): Promise<Context>; router: AppRouter };
  }
}

function baseUrlOf(env: Env, req: FastifyRequest): string {
  return env.PUBLIC_URL ?? `${req.protocol}://${req.host}`;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { env } = deps;
  const trustProxy = env.TRUST_PROXY;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: { level: env.LOG_LEVEL } }),
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: env.BODY_LIMIT,
    // A hop count trusts that many proxies in front of us.
    trustProxy:
      typeof trustProxy === 'number' ? (_addr: string, hop: number) => hop < trustProxy : trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    clientErrorHandler,
    // A malformed URL (bad percent-encoding) is answered by the router before any hook: same shape.
    frameworkErrors: (error, request, reply) => sendError(request, reply, error),
    // `?key=lk_…` leaves the URL before routing and logging (plugins/content-key.ts).
    rewriteUrl: takeContentKey,
  });

  const makeContext = (req: FastifyRequest) =>
    createContext(deps, {
      authorization: req.headers.authorization,
      contentKey: contentKeyOf(req.raw),
      request: { ip: req.ip, baseUrl: baseUrlOf(env, req) },
    });
  app.decorate('lectern', { createContext: makeContext, router: appRouter });
  installErrorHandlers(app);
  installBodyGuards(app);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  installContentEtags(app);

  if (!env.ALLOWED_HOSTS.includes('*')) {
    const allowed = new Set(env.ALLOWED_HOSTS.map((h) => h.toLowerCase()));
    app.addHook('onRequest', async (req, reply) => {
      if (!allowed.has(req.hostname.toLowerCase())) {
        return sendError(
          req,
          reply,
          new LecternError({ code: 'INVALID_HOST', message: 'Invalid Host header.' }),
        );
      }
    });
  }

  await app.register(helmet, {
    // Swagger UI needs its inline styles; the JSON API has no documents to protect with a CSP.
    contentSecurityPolicy: false,
    hsts: env.NODE_ENV === 'production' ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  await app.register(cors, {
    origin: env.CORS_ORIGINS.includes('*') ? true : env.CORS_ORIGINS,
    credentials: !env.CORS_ORIGINS.includes('*'),
    exposedHeaders: ['Retry-After', 'ETag', 'x-request-id'],
  });

  // Maintenance for routes that are not procedures (procedures check it in their own middleware,
  // where they know who is exempt).
  app.addHook('onRequest', async (req, reply) => {
    const route = req.routeOptions.url;
    if (req.url.startsWith('/trpc') || route === '/api/*' || req.method === 'OPTIONS') return;
    // The admin app's files: a superuser needs the app to sign in and turn maintenance off.
    if (/^\/admin(\/|\?|$)/.test(req.url)) return;
    if ((await deps.services.settings.get()).maintenance) return sendError(req, reply, fail.maintenance());
  });

  app.get('/health-check', async (req, reply) => {
    const health = (await callProcedure('system.health', await makeContext(req), undefined)) as {
      status: string;
    };
    return reply.code(health.status === 'healthy' ? 200 : 503).send(health);
  });

  const document = createOpenApiDocument(version);
  await app.register(docsPlugin, { document });

  await app.register(mediaPlugin, {
    root: env.MEDIA_ROOT,
    storage: deps.services.storage,
    s3: { mode: env.S3_MEDIA, presignSeconds: env.S3_PRESIGN_SECONDS },
  });
  await app.register(adminPlugin);
  // Multipart routes register before the REST bridge's /api/* wildcard.
  await app.register(uploadsPlugin, {
    routes: multipartRoutes,
    maxFileBytes: env.UPLOAD_MAX_BYTES,
    maxFieldBytes: env.BODY_LIMIT,
  });

  // Live events (SSE): a plain route beside the REST bridge; open streams end before the server closes.
  await app.register(eventsPlugin, { createContext: makeContext });
  app.addHook('preClose', async () => deps.services.events.close());

  await app.register(trpcPlugin, {
    router: appRouter,
    createContext: makeContext,
    maxBodySize: env.BODY_LIMIT,
  });
  await app.register(restPlugin, { router: appRouter, createContext: makeContext });

  if (deps.onClose) {
    const close = deps.onClose;
    app.addHook('onClose', async () => close());
  }
  return app;
}
