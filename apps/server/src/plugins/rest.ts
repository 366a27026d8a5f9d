import {
  type AppRouter,
  allProcedures,
  type Context,
  fail,
  LecternError,
  procedureAt,
  restErrorResponse,
} from '@lectern/api';
import { isDatabaseUnavailable } from '@lectern/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fastifyTRPCOpenApiPlugin } from 'trpc-to-openapi';
import { wantsHtml } from './errors.ts';

interface RestRoute {
  method: string;
  pattern: RegExp;
}

/** Every REST path of the router as a regex (`/users/{slug}` → `^/api/users/[^/]+/?$`); PATCH brings PUT. */
function restRoutes(): RestRoute[] {
  const routes: RestRoute[] = [];
  for (const { meta } of allProcedures()) {
    const openapi = meta.openapi;
    if (!openapi || openapi.enabled === false) continue;
    const source = openapi.path
      .split('/')
      .map((seg) => (/^\{.+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    const pattern = new RegExp(`^/api${source}/?$`);
    routes.push({ method: openapi.method, pattern });
    if (openapi.method === 'PATCH') routes.push({ method: 'PUT', pattern });
  }
  return routes;
}

function allowedMethods(routes: RestRoute[], url: string): string[] {
  const pathname = url.split('?')[0] ?? '';
  return [...new Set(routes.filter((r) => r.pattern.test(pathname)).map((r) => r.method))];
}

export interface RestPluginOptions {
  router: AppRouter;
  createContext: (req: FastifyRequest) => Promise<Context>;
}

/**
 * The REST door: trpc-to-openapi under /api. The bridge writes its own error body; the error it
 * reports through `onError` is kept and rendered by the one renderer (restErrorResponse) instead.
 * PUT is served exactly as PATCH (both change only the fields sent).
 */
export async function restPlugin(app: FastifyInstance, opts: RestPluginOptions): Promise<void> {
  const routes = restRoutes();
  // The bridge rewrites request.url (and the raw URL) to strip /api, and PUT becomes PATCH below:
  // keep what the client sent.
  const sent = new WeakMap<FastifyRequest, { method: string; url: string }>();
  const failures = new WeakMap<FastifyRequest, unknown>();
  /** Requests that matched no procedure (the bridge's own 404). */
  const unmatched = new WeakSet<FastifyRequest>();

  app.addHook('onRequest', async (request) => {
    sent.set(request, { method: request.method, url: request.url });
    if (request.method === 'PUT') request.raw.method = 'PATCH';
  });

  // The bridge merges a JSON body into an object: an array or a scalar would arrive as {0: …}.
  app.addHook('preHandler', async (request) => {
    const body = request.body;
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      throw fail.fields({ non_field_errors: ['Invalid data. Expected a JSON object.'] });
    }
    // A POST/PUT/PATCH with no body at all (`POST /posts/{slug}/restore/`) means an empty object; the
    // bridge would otherwise answer 415 for the missing Content-Type.
    if (
      body === undefined &&
      !request.headers['content-type'] &&
      !['GET', 'DELETE'].includes(request.method)
    ) {
      request.raw.headers['content-type'] = 'application/json';
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode < 400 || !failures.has(request)) return payload;
    let error = failures.get(request);
    if (unmatched.has(request)) {
      // No procedure matched: a known path with another method is a 405, not a 404.
      const { method, url } = sent.get(request) ?? { method: request.method, url: request.url };
      const allowed = allowedMethods(routes, url);
      if (allowed.length > 0) {
        reply.header('Allow', allowed.join(', '));
        error = new LecternError({ code: 'METHOD_NOT_ALLOWED', message: `Method "${method}" not allowed.` });
      } else {
        error = fail.notFound(`No route for ${method} ${url.split('?')[0]}.`);
      }
    }
    const response = restErrorResponse(error, { acceptsHtml: wantsHtml(request) });
    reply.code(response.status).headers(response.headers);
    if (typeof response.body === 'string') return response.body;
    reply.type('application/json; charset=utf-8');
    return JSON.stringify(response.body);
  });
  await app.register(fastifyTRPCOpenApiPlugin, {
    basePath: '/api',
    router: opts.router,
    createContext: ({ req }: { req: FastifyRequest }) => opts.createContext(req),
    onError: ({ error, req, path }: { error: unknown; req: FastifyRequest; path?: string }) => {
      failures.set(req, error);
      if (path === undefined) unmatched.add(req);
      // A database outage is logged once by the pool (server.ts), not once per request.
      const cause = (error as { cause?: unknown }).cause;
      if ((error as { code?: unknown }).code === 'INTERNAL_SERVER_ERROR' && !isDatabaseUnavailable(cause)) {
        req.log.error({ err: (error as { cause?: unknown }).cause ?? error, path }, 'REST error');
      }
    },
    responseMeta: ({
      ctx,
      paths,
      errors,
    }: {
      ctx?: Context;
      paths?: readonly string[];
      errors: readonly unknown[];
    }) => {
      if (errors.length > 0) return {};
      const status =
        ctx?.http.status ?? (paths?.[0] ? procedureAt(paths[0])?.meta.successStatus : undefined) ?? 200;
      return { status, headers: ctx?.http.headers ?? {} };
    },
  });
}
