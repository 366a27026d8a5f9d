import { type AppRouter, allProcedureMeta, appRouter, type LecternMeta, MACHINE_CODES } from '@lectern/api';
import { generateOpenApiDocument } from 'trpc-to-openapi';
import { OPERATION_EXAMPLES } from './openapi-examples.ts';
import { uploadPaths } from './routes/uploads.ts';
import { version } from './version.ts';

type Json = Record<string, unknown>;
type Operation = Json & {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Json[];
  requestBody?: Json & { content?: Record<string, Json> };
  responses?: Record<string, Json>;
};
type PathItem = Record<string, Operation>;
export type OpenApiDocument = ReturnType<typeof generateOpenApiDocument>;

/** Paths that are not procedures (plain Fastify routes, multipart uploads), keyed like the bridge's paths. */
export type ExtraPaths = Record<string, Record<string, Json>>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const json = (schema: Json, examples?: Record<string, { summary: string; value: unknown }>) => ({
  'application/json': { schema, ...(examples ? { examples } : {}) },
});
const retryAfterHeader = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
};

/** Codes that plain routes answer besides the machine codes of the procedures. */
const ROUTE_CODES = ['BAD_REQUEST', 'INVALID_HOST'];

const errorSchemas: Record<string, Json> = {
  Error: {
    type: 'object',
    description: 'Every error except a 400 field map and maintenance mode.',
    required: ['detail', 'code'],
    properties: {
      detail: { type: 'string', description: 'A human sentence.' },
      code: {
        type: 'string',
        description: `A machine code: ${[...Object.keys(MACHINE_CODES), ...ROUTE_CODES].map((c) => `\`${c}\``).join(', ')}.`,
      },
    },
    example: { detail: 'Not found.', code: 'NOT_FOUND' },
  },
  ValidationError: {
    type: 'object',
    description:
      'Invalid input: each field name maps to its messages; problems not tied to one field are under ' +
      '`non_field_errors`.',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { email: ['Enter a valid email address.'] },
  },
  Maintenance: {
    type: 'object',
    description: 'The answer to every request while maintenance mode is on.',
    required: ['detail', 'key', 'CODE'],
    properties: {
      detail: { type: 'string' },
      key: { type: 'string', enum: ['MAINTENANCE_MODE'] },
      CODE: { type: 'string', enum: ['MAT503'] },
    },
    example: {
      detail: 'The site is under maintenance. Please try again later.',
      key: 'MAINTENANCE_MODE',
      CODE: 'MAT503',
    },
  },
};

const errorExample = (summary: string, detail: string, code: string) => ({
  summary,
  value: { detail, code },
});

/** The standard error answers, shared by every operation that can give them. */
const errorResponses: Record<string, Json> = {
  BadRequest: {
    description:
      'Invalid input: a map of field name to messages (`non_field_errors` for the rest); malformed JSON ' +
      'is `{detail, code: "PARSE_ERROR"}`.',
    content: json(
      { oneOf: [schemaRef('ValidationError'), schemaRef('Error')] },
      {
        fields: { summary: 'Field errors', value: { email: ['Enter a valid email address.'] } },
        nonField: {
          summary: 'Not a JSON object',
          value: { non_field_errors: ['Invalid data. Expected a JSON object.'] },
        },
        parse: errorExample(
          'Malformed JSON',
          "Body is not valid JSON but content-type is set to 'application/json'",
          'PARSE_ERROR',
        ),
      },
    ),
  },
  Unauthorized: {
    description: 'No token (`NOT_AUTHENTICATED`), or an expired, malformed or revoked one (`TOKEN_INVALID`).',
    content: json(schemaRef('Error'), {
      missing: errorExample('No token', 'Authentication credentials were not provided.', 'NOT_AUTHENTICATED'),
      invalid: errorExample('Bad token', 'Token is invalid or expired.', 'TOKEN_INVALID'),
    }),
  },
  Forbidden: {
    description: 'The caller may not do this (`PERMISSION_DENIED`).',
    content: json(schemaRef('Error'), {
      denied: errorExample(
        'Not allowed',
        'You do not have permission to perform this action.',
        'PERMISSION_DENIED',
      ),
    }),
  },
  NotFound: {
    description: 'No such resource, or a page past the end of a list (`NOT_FOUND`).',
    content: json(schemaRef('Error'), { missing: errorExample('Not found', 'Not found.', 'NOT_FOUND') }),
  },
  PayloadTooLarge: {
    description: 'The body is over the configured limit (`PAYLOAD_TOO_LARGE`).',
    content: json(schemaRef('Error'), {
      tooLarge: errorExample('Too large', 'Request body is too large', 'PAYLOAD_TOO_LARGE'),
    }),
  },
  UnsupportedMediaType: {
    description: 'A body in a media type this path does not take (`UNSUPPORTED_MEDIA_TYPE`).',
    content: json(schemaRef('Error'), {
      mediaType: errorExample('Wrong media type', 'Unsupported Media Type', 'UNSUPPORTED_MEDIA_TYPE'),
    }),
  },
  TooManyRequests: {
    description: 'Too many attempts (`RATE_LIMITED`); `Retry-After` says when to try again.',
    headers: retryAfterHeader,
    content: json(schemaRef('Error'), {
      limited: errorExample('Rate limited', 'Too many requests. Try again in 60 seconds.', 'RATE_LIMITED'),
    }),
  },
  InternalError: {
    description: 'An unexpected failure (`INTERNAL_ERROR`), never with details.',
    content: json(schemaRef('Error'), {
      internal: errorExample('Internal error', 'Internal server error.', 'INTERNAL_ERROR'),
    }),
  },
  MaintenanceMode: {
    description:
      'Maintenance mode is on (the maintenance body; browsers, `Accept: text/html`, get a small HTML page ' +
      'instead), or the database cannot be reached (`DATABASE_UNAVAILABLE`, an `Error` body).',
    headers: retryAfterHeader,
    content: {
      ...json({ oneOf: [schemaRef('Maintenance'), schemaRef('Error')] }),
      'text/html': { schema: { type: 'string' } },
    },
  },
};

const GENERATED_ERROR = '#/components/schemas/error.';

const STANDARD_RESPONSE: Record<string, string> = {
  '400': 'BadRequest',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'NotFound',
  '413': 'PayloadTooLarge',
  '415': 'UnsupportedMediaType',
  '429': 'TooManyRequests',
  '500': 'InternalError',
  '503': 'MaintenanceMode',
};

interface SpecificError {
  code: string;
  /** Why this operation answers with that status. */
  description: string;
  /** The `detail` the server sends, when it is one fixed sentence. */
  detail?: string;
}

/**
 * Errors particular to one procedure, beyond those read from its shape (input → 400, token → 401/403,
 * path parameter or page → 404, body → 413/415). A test checks every key names a procedure.
 */
export const PROCEDURE_ERRORS: Record<string, Record<string, SpecificError>> = {
  'users.register': {
    '403': {
      code: 'REGISTRATION_DISABLED',
      description: 'Registration is closed.',
      detail: 'Registration is currently closed.',
    },
    '429': { code: 'RATE_LIMITED', description: 'Too many registrations from this address.' },
  },
  'users.login': {
    '401': {
      code: 'INVALID_CREDENTIALS',
      description: 'Wrong email or password (or an inactive account).',
      detail: 'No active account found with the given credentials.',
    },
    '403': { code: 'EMAIL_NOT_VERIFIED', description: 'The email address is not verified yet.' },
    '429': { code: 'RATE_LIMITED', description: 'Too many failed logins for this address.' },
  },
  'users.refreshToken': {
    '401': {
      code: 'TOKEN_INVALID',
      description: 'The refresh token is invalid, expired, spent or revoked.',
      detail: 'Token is invalid or expired.',
    },
  },
  'users.verifyOtp': { '429': { code: 'RATE_LIMITED', description: 'Too many attempts.' } },
  'users.resendOtp': { '429': { code: 'RATE_LIMITED', description: 'Too many requests.' } },
  'users.forgetPassword': { '429': { code: 'RATE_LIMITED', description: 'Too many requests.' } },
  'users.resetPassword': { '429': { code: 'RATE_LIMITED', description: 'Too many attempts.' } },
};

const TAGS: Record<string, string> = {
  system: 'Health, runtime switches (maintenance mode, registration) for superusers.',
  users: 'Registration, email verification, login with rotating refresh tokens, password reset, profiles.',
  posts: 'Blog posts: drafts and published, full-text search, tags, categories, thumbnails, soft delete.',
  categories: 'Post categories: anyone reads, staff write.',
  files: 'The file gallery: uploads checked by content, served under /media.',
};

const DESCRIPTION = `Lectern is a headless CMS. This document describes its REST door; the typed tRPC door
(\`/trpc\`, used by \`@lectern/sdk\`) runs the same procedures with the same validation and permissions. Each
operation's description names its procedure.

- **Paths** work with and without a trailing slash.
- **Auth**: \`Authorization: Bearer <access>\` with the JWT from \`POST /api/users/login\`. Access tokens live
  60 minutes, refresh tokens 7 days; \`POST /api/users/token/refresh\` rotates the refresh token.
- **JSON** fields are snake_case; timestamps are ISO-8601 UTC strings; URLs in answers are absolute.
- **Lists** are paginated with \`page\` (from 1) and \`page_size\` (default 20, at most 100):
  \`{count, next, previous, results}\`. A page past the end is 404.
- **Errors**: 400 is a map of field name to messages (\`non_field_errors\` for the rest); every other error
  is \`{detail, code}\` with a machine code (also \`data.code\` of tRPC errors); 503 with
  \`{detail, key: "MAINTENANCE_MODE", CODE: "MAT503"}\` while maintenance mode is on.`;

function normalizeBridgePath(path: string): string {
  return `/${path.replace(/^\/+|\/+$/g, '')}`;
}

/** The path as clients call it: under /api (except /health-check), no trailing slash (both work). */
function publicPath(bridgePath: string): string {
  const p = normalizeBridgePath(bridgePath);
  if (p === '/health-check' || p.startsWith('/api/') || p === '/api') return p;
  return `/api${p === '/' ? '' : p}`;
}

/** `users.verifyOtp` → `usersVerifyOtp`. */
function operationIdOf(procedurePath: string): string {
  return procedurePath
    .split('.')
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}

interface ProcedureInfo {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  meta: LecternMeta;
}

function proceduresByOperation(): Map<string, ProcedureInfo> {
  const byOperation = new Map<string, ProcedureInfo>();
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
  for (const [path, meta] of allProcedureMeta()) {
    const openapi = meta?.openapi;
    if (!openapi || openapi.enabled === false) continue;
    const type = (procedures[path]?._def.type ?? 'query') as ProcedureInfo['type'];
    byOperation.set(`${openapi.method.toLowerCase()} ${publicPath(openapi.path)}`, { path, type, meta });
  }
  return byOperation;
}

function hasPathParameters(path: string): boolean {
  return /\{[^}]+\}/.test(path);
}

function isPaginated(op: Operation): boolean {
  return (op.parameters ?? []).some((p) => p.in === 'query' && p.name === 'page');
}

function procedureDescription(info: ProcedureInfo, protect: boolean, multipart: boolean): string {
  const call = info.type === 'query' ? 'query' : 'mutate';
  const lines = [
    info.meta.openapi?.description,
    protect ? 'Requires a bearer token.' : 'No token needed.',
    `tRPC / SDK: \`client.${info.path}.${call}(…)\`${multipart ? ' (JSON input; files through the SDK upload helpers)' : ''}.`,
  ];
  return lines.filter(Boolean).join('\n\n');
}

/** Fills an operation's error answers: those it declares stay; the standard ones it can give are added. */
function completeResponses(
  op: Operation,
  path: string,
  method: string,
  opts: { protect: boolean; specific?: Record<string, SpecificError> | undefined },
): void {
  // The generator's own error answers (its `error.*` bodies) are not what the REST door sends.
  const responses = Object.fromEntries(
    Object.entries(op.responses ?? {}).filter(
      ([, answer]) => !JSON.stringify(answer).includes(GENERATED_ERROR),
    ),
  );
  const hasBody = op.requestBody !== undefined;
  const wanted = new Set<string>(['500', '503']);
  if (hasBody || (op.parameters ?? []).length > 0) wanted.add('400');
  if (opts.protect) {
    wanted.add('401');
    wanted.add('403');
  }
  if (hasPathParameters(path) || isPaginated(op)) wanted.add('404');
  if (hasBody && method !== 'get') {
    wanted.add('413');
    wanted.add('415');
  }

  for (const [status, answer] of Object.entries(opts.specific ?? {})) {
    // A procedure's own reason, plus the standard one when its shape can give that status too.
    const standard = wanted.has(status) ? errorResponses[STANDARD_RESPONSE[status] ?? ''] : undefined;
    const standardExamples = (standard?.content as Record<string, { examples?: Json }> | undefined)?.[
      'application/json'
    ]?.examples;
    responses[status] = {
      description: [`${answer.description} (\`${answer.code}\`)`, standard?.description]
        .filter(Boolean)
        .join(' '),
      ...(status === '429' ? { headers: retryAfterHeader } : {}),
      content: json(schemaRef('Error'), {
        [answer.code]: errorExample(answer.description, answer.detail ?? answer.description, answer.code),
        ...((standardExamples ?? {}) as Record<string, { summary: string; value: unknown }>),
      }),
    };
    wanted.delete(status);
  }
  for (const status of wanted) {
    const name = STANDARD_RESPONSE[status];
    if (name) responses[status] ??= responseRef(name);
  }
  op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

const OPERATION_KEYS = [
  'operationId',
  'summary',
  'description',
  'tags',
  'security',
  'parameters',
  'requestBody',
  'responses',
];

/** An operation's keys in a stable, readable order. */
function inOrder(op: Operation): Operation {
  const ordered: Operation = {};
  for (const key of OPERATION_KEYS) if (op[key] !== undefined) ordered[key] = op[key];
  for (const [key, value] of Object.entries(op)) if (!(key in ordered)) ordered[key] = value;
  return ordered;
}

function setSuccess(op: Operation, status: 200 | 201 | 204): void {
  const responses = op.responses ?? {};
  const ok = responses['200'] ?? responses['201'];
  if (!ok) return;
  delete responses['200'];
  delete responses['201'];
  if (status === 204) {
    responses['204'] = { description: 'Done; no content.' };
  } else {
    const generic = ok.description === 'Successful response' || ok.description === undefined;
    responses[String(status)] = {
      ...ok,
      description: generic ? (status === 201 ? 'Created' : 'OK') : ok.description,
    };
  }
  op.responses = responses;
}

function addExamples(op: Operation, procedurePath: string): void {
  const examples = OPERATION_EXAMPLES[procedurePath];
  if (!examples) return;
  const body = op.requestBody?.content?.['application/json'];
  if (examples.request && body) body.example = examples.request;
  if (examples.response) {
    const ok = Object.entries(op.responses ?? {}).find(([s]) => s.startsWith('2'))?.[1] as
      | { content?: Record<string, Json> }
      | undefined;
    const content = ok?.content?.['application/json'];
    if (content) content.example = examples.response;
  }
}

/** Component schemas still referenced from the paths (directly or through other schemas). */
function usedSchemas(doc: Json, schemas: Record<string, unknown>): Set<string> {
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
        const name = value.slice('#/components/schemas/'.length);
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else {
        visit(value);
      }
    }
  };
  visit(doc.paths);
  visit((doc.components as Json | undefined)?.responses);
  return used;
}

const healthCheckPath: ExtraPaths = {
  '/health-check': {
    get: {
      operationId: 'healthCheck',
      summary: 'Health check for load balancers',
      description:
        'Outside `/api`, with the same answer as `GET /api/system/health`. No token needed. During ' +
        'maintenance mode it answers 503 with the maintenance body.',
      tags: ['system'],
      security: [],
      responses: {
        '200': {
          description: 'Healthy',
          content: json(schemaRef('Health'), {
            healthy: { summary: 'Healthy', value: { status: 'healthy', maintenance: false, database: 'ok' } },
          }),
        },
        '503': {
          description: 'Database unavailable (`status: "unhealthy"`), or maintenance mode.',
          content: json(
            { oneOf: [schemaRef('Health'), schemaRef('Maintenance')] },
            {
              unhealthy: {
                summary: 'Database down',
                value: { status: 'unhealthy', maintenance: false, database: 'unavailable' },
              },
              maintenance: {
                summary: 'Maintenance mode',
                value: errorSchemas.Maintenance?.example,
              },
            },
          ),
        },
      },
    },
  },
};

/**
 * The OpenAPI document of the REST door: generated from the routers, then corrected where the generator
 * cannot know better — real paths and success statuses, api.md's error shapes, security only where a
 * token is needed, operation ids and descriptions, non-procedure routes (health check, multipart).
 */
export function buildOpenApiDocument(router: AppRouter, extraPaths: ExtraPaths = {}): OpenApiDocument {
  const generated = generateOpenApiDocument<LecternMeta>(router, {
    title: 'Lectern API',
    description: DESCRIPTION,
    version,
    baseUrl: '/',
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'The `access` token from `POST /api/users/login` (or `/api/users/token/refresh`).',
      },
    },
  });
  const doc = generated as unknown as Json & { paths?: Record<string, PathItem>; components?: Json };
  const procedures = proceduresByOperation();

  const paths: Record<string, PathItem> = {};
  const add = (path: string, method: string, op: Operation) => {
    paths[path] = { ...(paths[path] ?? {}), [method]: op };
  };
  for (const [bridgePath, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) add(publicPath(bridgePath), method, op);
  }
  // Extra operations replace the bridge's JSON-only one on the same path and method.
  for (const [extraPath, item] of Object.entries(extraPaths)) {
    for (const [method, op] of Object.entries(item))
      add(publicPath(extraPath), method, { ...op } as Operation);
  }

  for (const [path, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const info = procedures.get(`${method} ${path}`);
      if (!info) {
        if (op.operationId) op.operationId = operationIdOf(op.operationId.replaceAll('-', '.'));
        op.security ??= [];
        completeResponses(op, path, method, { protect: (op.security ?? []).length > 0 });
        continue;
      }
      const protect = info.meta.openapi?.protect === true;
      const multipart = op.requestBody?.content?.['multipart/form-data'] !== undefined;
      op.operationId = info.meta.openapi?.operationId ?? operationIdOf(info.path);
      op.tags = op.tags ?? info.meta.openapi?.tags ?? [info.path.split('.')[0] ?? 'api'];
      op.summary = op.summary ?? info.meta.openapi?.summary ?? info.path;
      op.description = multipart
        ? `${op.description ?? ''}\n\n${procedureDescription(info, protect, true)}`.trim()
        : procedureDescription(info, protect, false);
      op.security = protect ? [{ bearerAuth: [] }] : [];
      setSuccess(op, info.meta.successStatus ?? 200);
      completeResponses(op, path, method, { protect, specific: PROCEDURE_ERRORS[info.path] });
      addExamples(op, info.path);
      if (op.parameters?.length === 0) delete op.parameters;
      item[method] = inOrder(op);
    }
  }

  // The API twin of /health-check answers 503 with the Health body when the database is down.
  const healthOp = paths['/api/system/health']?.get;
  if (healthOp?.responses) {
    healthOp.responses['503'] = {
      description: 'The database is unavailable.',
      content: json(schemaRef('Health')),
    };
  }

  const components = (doc.components ?? {}) as Json & { schemas?: Record<string, unknown> };
  const schemas: Record<string, unknown> = { ...(components.schemas ?? {}), ...errorSchemas };
  const result: Json = {
    openapi: doc.openapi,
    info: doc.info,
    servers: [{ url: '/', description: 'The server this document is served from' }],
    tags: [] as Json[],
    paths,
    components: { ...components, responses: errorResponses },
  };
  const usedResponses = new Set(
    [...JSON.stringify(paths).matchAll(/#\/components\/responses\/(\w+)/g)].map((m) => m[1]),
  );
  (result.components as Json).responses = Object.fromEntries(
    Object.entries(errorResponses).filter(([name]) => usedResponses.has(name)),
  );
  const used = usedSchemas(result, schemas);
  (result.components as Json).schemas = Object.fromEntries(
    Object.entries(schemas).filter(([name]) => used.has(name)),
  );
  const tagNames = new Set<string>();
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) for (const tag of op.tags ?? []) tagNames.add(tag);
  }
  result.tags = [...tagNames].map((name) => ({ name, description: TAGS[name] ?? `${name} operations.` }));
  return result as unknown as OpenApiDocument;
}

/** The document of this server's routers, as served at /api/openapi.json and committed as openapi.json. */
export function createOpenApiDocument(): OpenApiDocument {
  return buildOpenApiDocument(appRouter, { ...healthCheckPath, ...uploadPaths });
}

export { healthCheckPath };

/** Where the committed document lives (apps/server/openapi.json). */
export const OPENAPI_FILE = new URL('../openapi.json', import.meta.url);

/** The committed file's text: stable key order from the routers, two-space indent, final newline. */
export function serializeOpenApiDocument(doc: OpenApiDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
