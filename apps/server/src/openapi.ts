import { type AppRouter, allProcedureMeta, type LecternMeta } from '@lectern/api';
import { generateOpenApiDocument } from 'trpc-to-openapi';
import { version } from './version.ts';

type Json = Record<string, unknown>;
type Operation = { responses?: Record<string, Json>; security?: unknown[]; operationId?: string };
export type OpenApiDocument = ReturnType<typeof generateOpenApiDocument>;

const ERROR_STATUS_TEXT: Record<string, string> = {
  '400': 'Invalid input: a map of field name to messages (`non_field_errors` for the rest)',
  '401': 'Not authenticated, or the token is invalid (`NOT_AUTHENTICATED`, `TOKEN_INVALID`)',
  '403': 'Not allowed (`PERMISSION_DENIED` and friends)',
  '404': 'Not found (`NOT_FOUND`)',
  '413': 'Body too large (`PAYLOAD_TOO_LARGE`)',
  '415': 'Unsupported media type (`UNSUPPORTED_MEDIA_TYPE`)',
  '429': 'Rate limited (`RATE_LIMITED`); see `Retry-After`',
  '500': 'Internal error (`INTERNAL_ERROR`)',
  '503': 'Maintenance mode',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const errorSchemas: Record<string, Json> = {
  Error: {
    type: 'object',
    required: ['detail', 'code'],
    properties: {
      detail: { type: 'string', description: 'A human sentence.' },
      code: { type: 'string', description: 'A machine code such as NOT_FOUND or RATE_LIMITED.' },
    },
    example: { detail: 'Not found.', code: 'NOT_FOUND' },
  },
  ValidationError: {
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { email: ['Enter a valid email address.'] },
  },
  Maintenance: {
    type: 'object',
    required: ['detail', 'key', 'CODE'],
    properties: {
      detail: { type: 'string' },
      key: { type: 'string', enum: ['MAINTENANCE_MODE'] },
      CODE: { type: 'string', enum: ['MAT503'] },
    },
  },
};

function errorResponse(status: string): Json {
  const schema =
    status === '400' ? ref('ValidationError') : status === '503' ? ref('Maintenance') : ref('Error');
  return { description: ERROR_STATUS_TEXT[status] ?? 'Error', content: { 'application/json': { schema } } };
}

/** Paths that are not procedures (plain Fastify routes, multipart uploads), written once here. */
export type ExtraPaths = Record<string, Record<string, Json>>;

const healthCheckPath: ExtraPaths = {
  '/health-check/': {
    get: {
      operationId: 'healthCheck',
      summary: 'Health check (outside /api, for load balancers)',
      tags: ['system'],
      security: [],
      responses: {
        '200': { description: 'Healthy', content: { 'application/json': { schema: ref('Health') } } },
        '503': {
          description: 'Database unavailable, or maintenance mode',
          content: { 'application/json': { schema: { oneOf: [ref('Health'), ref('Maintenance')] } } },
        },
      },
    },
  },
};

/**
 * The OpenAPI document of the REST door: generated from the routers, then corrected where the
 * generator cannot know better (success statuses, api.md's error shapes, non-procedure routes).
 */
export function buildOpenApiDocument(router: AppRouter, extraPaths: ExtraPaths = {}): OpenApiDocument {
  const doc = generateOpenApiDocument<LecternMeta>(router, {
    title: 'Lectern API',
    description:
      'Headless CMS backend. Every path works with and without its trailing slash. Errors: 400 is a map of ' +
      'field → messages; every other error is `{detail, code}` with a machine code.',
    version,
    baseUrl: '/api',
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
  });

  const statusByOperation = new Map<string, number>();
  for (const [path, meta] of allProcedureMeta()) {
    if (meta?.openapi && meta.successStatus) {
      statusByOperation.set(meta.openapi.operationId ?? path.replaceAll('.', '-'), meta.successStatus);
    }
  }

  const paths = (doc.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const ops of Object.values(paths)) {
    for (const op of Object.values(ops)) {
      const responses = op.responses ?? {};
      const status = op.operationId ? statusByOperation.get(op.operationId) : undefined;
      if (status && responses['200']) {
        const ok = responses['200'];
        delete responses['200'];
        responses[String(status)] =
          status === 204 ? { description: 'No content' } : { ...ok, description: 'Created' };
      }
      for (const code of Object.keys(responses)) {
        if (Number(code) >= 400) responses[code] = errorResponse(code);
      }
      responses['503'] ??= errorResponse('503');
      op.responses = responses;
    }
  }
  for (const [path, ops] of Object.entries(extraPaths)) {
    paths[path] = { ...(paths[path] ?? {}), ...(ops as Record<string, Operation>) };
  }
  doc.paths = paths as OpenApiDocument['paths'];
  doc.components = doc.components ?? {};
  doc.components.schemas = { ...(doc.components.schemas ?? {}), ...errorSchemas } as never;
  return doc;
}

export { healthCheckPath };
