import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import {
  type ApiConfig,
  type AppRouter,
  appRouter,
  type Context,
  createCallerFactory,
  createContext,
  type Services,
} from '@lectern/api';
import type { Database } from '@lectern/db';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Env } from './env.ts';
import { restError, sendMaintenance } from './errors.ts';
import { createOpenApiDocument } from './openapi.ts';
import { adminPlugin } from './plugins/admin.ts';
import { docsPlugin } from './plugins/docs.ts';
import { installContentEtags } from './plugins/etag.ts';
import { mediaPlugin } from './plugins/media.ts';
import { restPlugin } from './plugins/rest.ts';
import { trpcPlugin } from './plugins/trpc.ts';
import { uploadsPlugin } from './plugins/uploads.ts';
import { uploadRoutes } from './routes/uploads.ts';

export interface AppDeps {
  env: Env;
  config: ApiConfig;
  db: Kysely<Database>;
  services: Services;
  /** Closed with the app (the database, in production). */
  onClose?: () => Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    lectern: { createContext(req: FastifyRequest): Promise<Context>; router: AppRouter };
  }
}

/** Fastify's own errors → api.md's bodies. */
const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'PARSE_ERROR' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'PARSE_ERROR' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'PARSE_ERROR' },
};

function baseUrlOf(env: Env, req: FastifyRequest): string {
  return env.PUBLIC_URL ?? `${req.protocol}://${req.host}`;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { env } = deps;
  const trustProxy = env.TRUST_PROXY;
  const app = Fastify({
    logger: { level: env.LOG_LEVEL },
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: env.BODY_LIMIT,
    // A hop count trusts that many proxies in front of us.
    trustProxy:
      typeof trustProxy === 'number' ? (_addr: string, hop: number) => hop < trustProxy : trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  });

  const makeContext = (req: FastifyRequest) =>
    createContext(deps, {
      authorization: req.headers.authorization,
      request: { ip: req.ip, baseUrl: baseUrlOf(env, req) },
    });
  app.decorate('lectern', { createContext: makeContext, router: appRouter });
  const createCaller = createCallerFactory(appRouter);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  installContentEtags(app);

  if (!env.ALLOWED_HOSTS.includes('*')) {
    const allowed = new Set(env.ALLOWED_HOSTS.map((h) => h.toLowerCase()));
    app.addHook('onRequest', async (req, reply) => {
      if (!allowed.has(req.hostname.toLowerCase())) {
        return reply.code(400).send({ detail: 'Invalid Host header.', code: 'INVALID_HOST' });
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
    if ((await deps.services.settings.get()).maintenance) return sendMaintenance(req, reply);
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return reply.code(known.status).send({ detail: error.message, code: known.code });
    const fieldErrors = (error as { fieldErrors?: Record<string, string[]> }).fieldErrors;
    if (fieldErrors) return reply.code(400).send(fieldErrors);
    if (error.validation) {
      return reply.code(400).send({ non_field_errors: [error.message] });
    }
    if (
      error.statusCode &&
      error.statusCode >= 400 &&
      error.statusCode < 500 &&
      !(error as unknown as { data?: unknown }).data
    ) {
      return reply.code(error.statusCode).send({ detail: error.message, code: 'BAD_REQUEST' });
    }
    const { status, body, retryAfter } = restError(error);
    if (status >= 500) req.log.error({ err: error }, 'unhandled error');
    if (retryAfter !== null) reply.header('Retry-After', String(retryAfter));
    if (status === 503) return sendMaintenance(req, reply);
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .send({ detail: `No route for ${req.method} ${req.url.split('?')[0]}.`, code: 'NOT_FOUND' });
  });

  app.get('/health-check', async (req, reply) => {
    const caller = createCaller(await makeContext(req));
    const health = await caller.system.health();
    return reply.code(health.status === 'healthy' ? 200 : 503).send(health);
  });

  const document = createOpenApiDocument();
  await app.register(docsPlugin, { document });

  await app.register(mediaPlugin, { root: env.MEDIA_ROOT });
  await app.register(adminPlugin);
  // Multipart routes register before the REST bridge's /api/* wildcard.
  await app.register(uploadsPlugin, {
    routes: uploadRoutes,
    maxFileBytes: env.UPLOAD_MAX_BYTES,
    maxFieldBytes: env.BODY_LIMIT,
  });

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
