/**
 * The OpenAPI document as a product: the committed apps/server/openapi.json is what the routers
 * generate, validates as OpenAPI 3, lints clean with Redocly's recommended rules, and describes every
 * procedure and multipart route with api.md's paths, statuses, security and error shapes.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { allProcedureMeta } from '@lectern/api';
import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import {
  createOpenApiDocument,
  OPENAPI_FILE,
  PROCEDURE_ERRORS,
  serializeOpenApiDocument,
} from '../src/openapi.ts';
import { OPERATION_EXAMPLES } from '../src/openapi-examples.ts';
import { uploadRoutes } from '../src/routes/uploads.ts';

const run = promisify(execFile);
const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Json[];
  requestBody?: { content?: Record<string, Json> };
  responses: Record<string, Json & { $ref?: string; content?: Record<string, Json> }>;
}
interface Document {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; responses: Record<string, Json> };
  tags: Array<{ name: string; description: string }>;
}

const committedText = () => readFile(OPENAPI_FILE, 'utf8');
const committed = async () => JSON.parse(await committedText()) as Document;

/** `/users/{slug}` from the bridge's `/users/{slug}`, as the document writes it. */
const documented = (bridgePath: string) => `/api${bridgePath.replace(/\/+$/, '')}`;

describe('the committed OpenAPI document (apps/server/openapi.json)', () => {
  it('is exactly what the routers generate (run `pnpm openapi:generate` after an API change)', async () => {
    expect(await committedText()).toBe(serializeOpenApiDocument(createOpenApiDocument()));
  });

  it('validates as OpenAPI 3 with @readme/openapi-parser', async () => {
    const doc = await committed();
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, JSON.stringify(result, null, 2)).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it("lints clean with Redocly's recommended rules (exceptions justified in .redocly.lint-ignore.yaml)", async () => {
    const redocly = path.join(serverRoot, 'node_modules/.bin/redocly');
    const output = await run(
      redocly,
      ['lint', 'openapi.json', '--config', 'redocly.yaml', '--format', 'json'],
      {
        cwd: serverRoot,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout: string }) => error);
    const report = JSON.parse(output.stdout) as {
      totals: { errors: number; warnings: number; ignored: number };
      problems: Array<{ ruleId: string; message: string; ignored?: boolean }>;
    };
    const problems = report.problems.filter((p) => !p.ignored).map((p) => `${p.ruleId}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    // Each ignored problem is one the ignore file names with its reason (no silent growth).
    const ignoreFile = await readFile(path.join(serverRoot, '.redocly.lint-ignore.yaml'), 'utf8');
    expect(report.totals.ignored).toBe((ignoreFile.match(/^\s+- '#\//gm) ?? []).length);
  });

  it('documents every procedure at its real path with its operation id, tag and success status', async () => {
    const doc = await committed();
    const procedures = allProcedureMeta().filter(([, meta]) => meta?.openapi);
    expect(procedures.length).toBeGreaterThan(10);
    for (const [procedure, meta] of procedures) {
      const openapi = meta?.openapi;
      if (!openapi) continue;
      const op = doc.paths[documented(openapi.path)]?.[openapi.method.toLowerCase()];
      expect(op, `${procedure}: ${openapi.method} ${openapi.path}`).toBeDefined();
      if (!op) continue;
      expect(op.summary, procedure).toBeTruthy();
      expect(op.description, procedure).toContain(`client.${procedure}.`);
      expect(op.tags?.length, procedure).toBe(1);
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect(success, procedure).toEqual([String(meta?.successStatus ?? 200)]);
      if (meta?.successStatus === 204) expect(op.responses['204']?.content, procedure).toBeUndefined();
      else expect(JSON.stringify(op.responses[success[0] ?? '']?.content), procedure).toContain('schema');
    }
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    for (const tag of doc.tags) expect(tag.description.length).toBeGreaterThan(10);
  });

  it('declares bearer security exactly on the procedures that need a token', async () => {
    const doc = await committed();
    for (const [procedure, meta] of allProcedureMeta()) {
      const openapi = meta?.openapi;
      if (!openapi) continue;
      const op = doc.paths[documented(openapi.path)]?.[openapi.method.toLowerCase()];
      if (openapi.protect === true) {
        expect(op?.security, procedure).toEqual([{ bearerAuth: [] }]);
        expect(op?.responses['401'], procedure).toBeDefined();
      } else {
        expect(op?.security, procedure).toEqual([]);
      }
    }
    expect(doc.paths['/api/users/login']?.post?.security).toEqual([]);
    expect(doc.paths['/api/users/register']?.post?.security).toEqual([]);
    expect(doc.paths['/api/users/me']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/health-check']?.get?.security).toEqual([]);
  });

  it("uses api.md's error shapes: 400 field map or {detail, code}, {detail, code} elsewhere, 503 maintenance", async () => {
    const doc = await committed();
    expect(Object.keys(doc.components.schemas).filter((name) => name.startsWith('error.'))).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain('#/components/schemas/error.');
    expect(doc.components.schemas.ValidationError).toMatchObject({
      additionalProperties: { type: 'array', items: { type: 'string' } },
    });
    expect(doc.components.schemas.Error).toMatchObject({ required: ['detail', 'code'] });
    expect(doc.components.schemas.Maintenance).toMatchObject({ required: ['detail', 'key', 'CODE'] });
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${p}`;
        expect(op.responses['503'], where).toBeDefined();
        expect(op.responses['500'], where).toBeDefined();
        if (op.requestBody) {
          expect(op.responses['400'], where).toBeDefined();
          expect(op.responses['413'], where).toBeDefined();
        }
        if (p.includes('{')) expect(op.responses['404'], where).toBeDefined();
      }
    }
    expect(doc.paths['/api/system/settings']?.patch?.responses['400']).toEqual({
      $ref: '#/components/responses/BadRequest',
    });
    expect(doc.paths['/api/users/me']?.get?.responses['503']).toEqual({
      $ref: '#/components/responses/MaintenanceMode',
    });
    const login = doc.paths['/api/users/login']?.post?.responses;
    expect(JSON.stringify(login?.['401'])).toContain('INVALID_CREDENTIALS');
    expect(JSON.stringify(login?.['429'])).toContain('Retry-After');
  });

  it('documents the health check and every multipart route with both media types', async () => {
    const doc = await committed();
    expect(doc.paths['/health-check']?.get?.responses['200']).toBeDefined();
    expect(uploadRoutes.length).toBeGreaterThan(0);
    for (const route of uploadRoutes) {
      const docPath = route.url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[docPath]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${docPath}`).toBeDefined();
      const media = Object.keys(op?.requestBody?.content ?? {});
      expect(media, `${route.method} ${docPath}`).toContain('multipart/form-data');
      if (route.json) expect(media, `${route.method} ${docPath}`).toContain('application/json');
      const multipart = JSON.stringify(op?.requestBody?.content?.['multipart/form-data']);
      for (const field of route.fileFields) expect(multipart).toContain(`"${field}"`);
    }
  });

  it('carries the server version, which the SDK package has too', async () => {
    const doc = await committed();
    const server = JSON.parse(await readFile(path.join(serverRoot, 'package.json'), 'utf8'));
    const sdk = JSON.parse(await readFile(path.join(serverRoot, '../../packages/sdk/package.json'), 'utf8'));
    expect(doc.info.version).toBe(server.version);
    expect(sdk.version).toBe(server.version);
  });

  it('names only existing procedures in its per-procedure error and example tables', () => {
    const procedures = new Set(allProcedureMeta().map(([p]) => p));
    for (const name of [...Object.keys(PROCEDURE_ERRORS), ...Object.keys(OPERATION_EXAMPLES)]) {
      expect(procedures.has(name), name).toBe(true);
    }
  });
});
