import { generateOpenApiDocument } from 'trpc-to-openapi';
import { eventsPath } from '../events/index.ts';
import { multipartRoutes } from '../http.ts';
import { type MultipartRoute, multipartSchema } from '../multipart.ts';
import { allProcedures, appRouter, type ProcedureInfo } from '../router.ts';
import { healthCheckPath } from '../system/index.ts';
import type { Access, LecternMeta } from '../trpc.ts';
import {
  errorResponses,
  errorSchemas,
  json,
  type OperationErrors,
  retryAfterHeader,
  STANDARD_RESPONSE,
  schemaRef,
} from './responses.ts';

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

/** Paths that are not procedures (plain Fastify routes), keyed like the bridge's paths. */
export type ExtraPaths = Record<string, Record<string, Json>>;

const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

const TAGS: Record<string, string> = {
  system: 'Health, runtime switches (maintenance mode, registration) for superusers.',
  users: 'Registration, email verification, login with rotating refresh tokens, password reset, profiles.',
  posts: 'Blog posts: drafts and published, full-text search, tags, categories, thumbnails, soft delete.',
  categories: 'Post categories: anyone reads, staff write.',
  files: 'The file gallery: uploads checked by content, served under /media.',
  events: 'Live content events: server-sent events of every committed content change, resumable by event id.',
  'content-keys':
    'Read-only keys for site frontends (`lk_…`): they read published posts, categories and files. Staff manage them.',
};

const DESCRIPTION = `Lectern is a headless CMS. This document describes its REST door; the typed tRPC door
(\`/trpc\`, used by \`@lectern/sdk\`) runs the same procedures with the same validation and permissions. Each
operation's description names its procedure.

- **Paths** work with and without a trailing slash. \`PUT\` and \`PATCH\` behave alike: only the fields sent change.
- **Auth**: \`Authorization: Bearer <access>\` with the JWT from \`POST /api/users/login\`. Access tokens live
  60 minutes, refresh tokens 7 days; \`POST /api/users/token/refresh\` rotates the refresh token.
- **Content keys** (\`lk_…\`, made by staff under \`/api/content-keys\`): read-only credentials for site
  frontends, sent as \`Authorization: Bearer lk_…\` or \`?key=lk_…\`. They read published posts, categories
  and files (the operations that list them under security) and get 403 anywhere else. While the
  \`anonymous_read\` setting is on, those reads need no credential at all.
- **JSON** fields are snake_case; timestamps are ISO-8601 UTC strings; URLs in answers are absolute.
- **Lists** are paginated with \`page\` (from 1) and \`page_size\` (default 20, at most 100):
  \`{count, next, previous, results}\`. A page past the end is 404.
- **Errors**: 400 is a map of field name to messages (\`non_field_errors\` for the rest); every other error
  is \`{detail, code}\` with a machine code (also \`data.code\` of tRPC errors); 503 with
  \`{detail, key: "MAINTENANCE_MODE", CODE: "MAT503"}\` while maintenance mode is on.`;

/** The path as clients call it: under /api (except /health-check), no trailing slash (both work). */
function publicPath(bridgePath: string): string {
  const p = `/${bridgePath.replace(/^\/+|\/+$/g, '')}`;
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

const GENERATED_ERROR = '#/components/schemas/error.';

const isProtected = (access: Access | undefined) => access !== undefined && access !== 'public';

/** Who may call an operation, as the document's `security`. */
function securityOf(access: Access | undefined): Array<Record<string, string[]>> {
  if (access === 'reader') return [{ bearerAuth: [] }, { contentKey: [] }, { contentKeyQuery: [] }];
  return isProtected(access) ? [{ bearerAuth: [] }] : [];
}

const ACCESS_NOTE: Record<Access, string> = {
  public: 'No token needed.',
  reader:
    'Requires an access token or a content key (`Authorization: Bearer lk_…` or `?key=lk_…`), unless ' +
    'anonymous reading is on (`anonymous_read` in the system settings).',
  authenticated: 'Requires a bearer token.',
  staff: 'Requires a bearer token.',
  superuser: 'Requires a bearer token.',
};

function callDescription(info: ProcedureInfo, multipart: boolean): string {
  const call = info.type === 'query' ? 'query' : 'mutate';
  const files = multipart ? ' (JSON input; files through the SDK upload helpers)' : '';
  return `tRPC / SDK: \`client.${info.path}.${call}(…)\`${files}.`;
}

function describe(description: string | undefined, access: Access | undefined, call?: string): string {
  const lines = [description, ACCESS_NOTE[access ?? 'public'], call];
  return lines.filter(Boolean).join('\n\n');
}

const badRequestSchema = { oneOf: [schemaRef('ValidationError'), schemaRef('Error')] };

/** Fills an operation's error answers: those the procedure declares, plus those its shape implies. */
function completeResponses(op: Operation, path: string, method: string, meta: LecternMeta): void {
  // The generator's own error answers (its `error.*` bodies) are not what the REST door sends.
  const responses = Object.fromEntries(
    Object.entries(op.responses ?? {}).filter(
      ([, answer]) => !JSON.stringify(answer).includes(GENERATED_ERROR),
    ),
  );
  const hasBody = op.requestBody !== undefined;
  const wanted = new Set<string>(['500', '503']);
  if (hasBody || (op.parameters ?? []).length > 0) wanted.add('400');
  if (isProtected(meta.access)) wanted.add('401');
  if (meta.access === 'staff' || meta.access === 'superuser') wanted.add('403');
  if (/\{[^}]+\}/.test(path) || (op.parameters ?? []).some((p) => p.in === 'query' && p.name === 'page')) {
    wanted.add('404');
  }
  if (hasBody && method !== 'get') {
    wanted.add('413');
    wanted.add('415');
  }
  const declared: OperationErrors = meta.errors ?? {};
  for (const [status, answer] of Object.entries(declared)) {
    if (!answer) continue;
    // A procedure's own reason, plus the standard one when its shape can give that status too.
    const standard = wanted.has(status) ? errorResponses[STANDARD_RESPONSE[status] ?? ''] : undefined;
    const standardExamples = (standard?.content as Record<string, { examples?: Json }> | undefined)?.[
      'application/json'
    ]?.examples;
    responses[status] = {
      description: [`${answer.description.replace(/\.$/, '')} (\`${answer.code}\`).`, standard?.description]
        .filter(Boolean)
        .join(' '),
      ...(status === '429' ? { headers: retryAfterHeader } : {}),
      // A declared 400 sits beside the standard field map, whose examples come along.
      content: json(status === '400' && standard ? badRequestSchema : schemaRef('Error'), {
        [answer.code]: {
          summary: answer.description,
          value: { detail: answer.detail ?? answer.description, code: answer.code },
        },
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

const OPERATION_KEYS = ['operationId', 'summary', 'description', 'tags', 'security', 'parameters'];

/** An operation's keys in a stable, readable order. */
function inOrder(op: Operation): Operation {
  const ordered: Operation = {};
  for (const key of [...OPERATION_KEYS, 'requestBody', 'responses']) {
    if (op[key] !== undefined) ordered[key] = op[key];
  }
  for (const [key, value] of Object.entries(op)) if (!(key in ordered)) ordered[key] = value;
  return ordered;
}

function setSuccess(op: Operation, status: 200 | 201 | 204, response: Json | undefined): void {
  const responses = op.responses ?? {};
  const ok = responses['200'] ?? responses['201'] ?? response;
  delete responses['200'];
  delete responses['201'];
  if (status === 204) {
    responses['204'] = { description: 'Done; no content.' };
  } else if (ok) {
    const generic = ok.description === 'Successful response' || ok.description === undefined;
    responses[String(status)] = {
      ...ok,
      description: generic ? (status === 201 ? 'Created' : 'OK') : ok.description,
    };
  }
  op.responses = responses;
}

function addExamples(op: Operation, meta: LecternMeta): void {
  const examples = meta.examples;
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

/** Component schemas still referenced from the document (directly or through other schemas). */
function usedSchemas(roots: unknown[], schemas: Record<string, unknown>): Set<string> {
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
  for (const root of roots) visit(root);
  return used;
}

/** PUT twins of PATCH operations: the REST door serves PUT exactly as PATCH. */
function putTwin(op: Operation): Operation {
  const twin = structuredClone(op);
  twin.operationId = `${(op.operationId ?? '').replace(/Update$/, '')}Replace`;
  return twin;
}

/** The operation of a multipart route: the JSON procedure's operation with a multipart body beside it. */
function withMultipart(op: Operation, route: MultipartRoute): Operation {
  const requestBody = op.requestBody ?? { required: true, content: {} };
  requestBody.content = {
    ...(requestBody.content ?? {}),
    'multipart/form-data': { schema: multipartSchema(route) },
  };
  return { ...op, requestBody };
}

function multipartOnlyOperation(route: MultipartRoute, meta: NonNullable<MultipartRoute['meta']>): Operation {
  const op: Operation = {
    operationId: meta.operationId,
    summary: meta.summary,
    description: describe(meta.description, meta.access),
    tags: meta.tags,
    security: securityOf(meta.access),
    requestBody: { required: true, content: { 'multipart/form-data': { schema: multipartSchema(route) } } },
  };
  return op;
}

/**
 * The OpenAPI document of the REST door: generated from the routers, then corrected where the
 * generator cannot know better — real paths and success statuses, the contract's error shapes (from
 * each procedure's declared errors and its tier), security from the tier, multipart bodies derived
 * from the zod schemas that validate them, PUT twins of PATCH operations, and non-procedure routes.
 */
export function buildOpenApiDocument(opts: { version: string; extraPaths?: ExtraPaths }): OpenApiDocument {
  const generated = generateOpenApiDocument<LecternMeta>(appRouter, {
    title: 'Lectern API',
    description: DESCRIPTION,
    version: opts.version,
    baseUrl: '/',
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'The `access` token from `POST /api/users/login` (or `/api/users/token/refresh`).',
      },
      contentKey: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'lk_…',
        description:
          'A content key (read-only, for site frontends) made by staff with `POST /api/content-keys`.',
      },
      contentKeyQuery: {
        type: 'apiKey',
        in: 'query',
        name: 'key',
        description: 'A content key in the query string (`?key=lk_…`), for clients that cannot set headers.',
      },
    },
  });
  const doc = generated as unknown as Json & { paths?: Record<string, PathItem>; components?: Json };
  const procedures = new Map(
    allProcedures()
      .filter((info) => info.meta.openapi && info.meta.openapi.enabled !== false)
      .map((info) => [
        `${info.meta.openapi?.method.toLowerCase()} ${publicPath(info.meta.openapi?.path ?? '')}`,
        info,
      ]),
  );
  const multipart = new Map(
    multipartRoutes.map((r) => [`${r.method.toLowerCase()} ${publicPath(r.path)}`, r]),
  );

  const paths: Record<string, PathItem> = {};
  const add = (path: string, method: string, op: Operation) => {
    paths[path] = { ...(paths[path] ?? {}), [method]: op };
  };
  for (const [bridgePath, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, generatedOp] of Object.entries(item)) {
      const path = publicPath(bridgePath);
      const info = procedures.get(`${method} ${path}`);
      const route = multipart.get(`${method} ${path}`);
      const op = route ? withMultipart(generatedOp, route) : generatedOp;
      if (info) {
        const meta = info.meta;
        op.operationId = meta.openapi?.operationId ?? operationIdOf(info.path);
        op.tags = meta.openapi?.tags ?? [info.path.split('.')[0] ?? 'api'];
        op.summary = meta.openapi?.summary ?? info.path;
        op.description = describe(
          meta.openapi?.description,
          meta.access,
          callDescription(info, route !== undefined),
        );
        op.security = securityOf(meta.access);
        setSuccess(op, meta.successStatus ?? 200, undefined);
        completeResponses(op, path, method, meta);
        addExamples(op, meta);
      }
      if (op.parameters?.length === 0) delete op.parameters;
      add(path, method, inOrder(op));
      if (method === 'patch') add(path, 'put', putTwin(inOrder(op)));
    }
  }
  for (const route of multipartRoutes) {
    if (route.procedure || !route.meta) continue;
    const path = publicPath(route.path);
    const method = route.method.toLowerCase();
    const op = multipartOnlyOperation(route, route.meta);
    setSuccess(op, route.meta.successStatus ?? 200, {
      description: 'OK',
      content: json(schemaRef(route.meta.responseSchema)),
    });
    completeResponses(op, path, method, route.meta);
    add(path, method, inOrder(op));
  }
  for (const [extraPath, item] of Object.entries(opts.extraPaths ?? {})) {
    for (const [method, extra] of Object.entries(item)) {
      const op = structuredClone(extra) as Operation;
      // A plain route that declares a credential reads content as `reader` procedures do.
      const access = (op.security ?? []).length > 0 ? 'reader' : 'public';
      completeResponses(op, publicPath(extraPath), method, { access });
      add(publicPath(extraPath), method, op);
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
  const usedResponses = new Set(
    [...JSON.stringify(paths).matchAll(/#\/components\/responses\/(\w+)/g)].map((m) => m[1]),
  );
  const responses = Object.fromEntries(
    Object.entries(errorResponses).filter(([name]) => usedResponses.has(name)),
  );
  const used = usedSchemas([paths, responses], schemas);
  const tagNames = new Set<string>();
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) for (const tag of op.tags ?? []) tagNames.add(tag);
  }
  const result: Json = {
    openapi: doc.openapi,
    info: doc.info,
    servers: [{ url: '/', description: 'The server this document is served from' }],
    tags: [...tagNames].map((name) => ({ name, description: TAGS[name] ?? `${name} operations.` })),
    paths,
    components: {
      ...components,
      responses,
      schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))),
    },
  };
  return result as unknown as OpenApiDocument;
}

/** The document of the app's routers, as served at /api/openapi.json and committed as openapi.json. */
export function createOpenApiDocument(version: string): OpenApiDocument {
  return buildOpenApiDocument({ version, extraPaths: { ...healthCheckPath, ...eventsPath } });
}

/** The committed file's text: stable key order from the routers, two-space indent, final newline. */
export function serializeOpenApiDocument(doc: OpenApiDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
