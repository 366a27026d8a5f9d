import {
  type AppRouter,
  allProcedureMeta,
  type Context,
  type LecternErrorData,
  procedureMeta,
} from '@lectern/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fastifyTRPCOpenApiPlugin } from 'trpc-to-openapi';
import { MAINTENANCE_HTML, maintenanceBody, wantsHtml } from '../errors.ts';

interface RestRoute {
  method: string;
  pattern: RegExp;
}

/** Every REST path of the router as a regex (`/users/{slug}` → `^/api/users/[^/]+/?$`). */
function restRoutes(): RestRoute[] {
  const routes: RestRoute[] = [];
  for (const [, meta] of allProcedureMeta()) {
    const openapi = meta?.openapi;
    if (!openapi || openapi.enabled === false) continue;
    const source = openapi.path
      .split('/')
      .map((seg) => (/^\{.+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    routes.push({ method: openapi.method, pattern: new RegExp(`^/api${source}/?$`) });
  }
  return routes;
}

function allowedMethods(routes: RestRoute[], url: string): string[] {
  const pathname = url.split('?')[0] ?? '';
  return [...new Set(routes.filter((r) => r.pattern.test(pathname)).map((r) => r.method))];
}

interface BridgeErrorBody {
  message?: string;
  data?: LecternErrorData;
}

export interface RestPluginOptions {
  router: AppRouter;
  createContext: (req: FastifyRequest) => Promise<Context>;
}

/**
 * The REST door: trpc-to-openapi under /api. The bridge writes its own error body; an onSend hook in
 * this scope rewrites it into api.md's shapes (field map, {detail, code}, maintenance body).
 */
export async function restPlugin(app: FastifyInstance, opts: RestPluginOptions): Promise<void> {
  const routes = restRoutes();
  // The bridge rewrites request.url (and the raw URL) to strip /api; keep the one the client sent.
  const clientUrl = new WeakMap<FastifyRequest, string>();
  app.addHook('onRequest', async (request) => {
    clientUrl.set(request, request.url);
  });

  // The bridge merges a JSON body into an object: an array or a scalar would arrive as {0: …}.
  app.addHook('preHandler', async (request, reply) => {
    const body = request.body;
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      return reply.code(400).send({ non_field_errors: ['Invalid data. Expected a JSON object.'] });
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

  app.addHook('onSend', async (request, reply: FastifyReply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
    let parsed: BridgeErrorBody;
    try {
      parsed = JSON.parse(payload) as BridgeErrorBody;
    } catch {
      return payload;
    }
    const data = parsed.data;
    if (!data || typeof data.code !== 'string') return payload;
    reply.code(data.httpStatus);
    if (data.retryAfter !== null) reply.header('Retry-After', String(data.retryAfter));
    if (data.code === 'MAINTENANCE_MODE') {
      reply.header('Retry-After', '60');
      if (wantsHtml(request)) {
        reply.type('text/html; charset=utf-8');
        return MAINTENANCE_HTML;
      }
      return JSON.stringify(maintenanceBody);
    }
    if (data.fields) return JSON.stringify(data.fields);
    if (data.code === 'NOT_FOUND' && data.path === undefined) {
      // No procedure matched: a known path with another method is a 405, not a 404.
      const allowed = allowedMethods(routes, clientUrl.get(request) ?? '');
      if (allowed.length > 0) {
        reply.code(405).header('Allow', allowed.join(', '));
        return JSON.stringify({
          detail: `Method "${request.method}" not allowed.`,
          code: 'METHOD_NOT_ALLOWED',
        });
      }
    }
    return JSON.stringify({ detail: parsed.message ?? 'Error.', code: data.code });
  });

  await app.register(fastifyTRPCOpenApiPlugin, {
    basePath: '/api',
    router: opts.router,
    createContext: ({ req }: { req: FastifyRequest }) => opts.createContext(req),
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
        ctx?.http.status ?? (paths?.[0] ? procedureMeta(paths[0])?.successStatus : undefined) ?? 200;
      return { status, headers: ctx?.http.headers ?? {} };
    },
  });
}
