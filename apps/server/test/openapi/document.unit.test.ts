/**
 * The OpenAPI document as a product: the committed apps/server/openapi.json is what the routers
 * generate, validates as OpenAPI 3, lints clean with Redocly's recommended rules, and describes every
 * procedure and multipart route with the contract's paths, statuses, security and error shapes.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  allProcedures,
  createOpenApiDocument,
  MACHINE_CODES,
  multipartRoutes,
  serializeOpenApiDocument,
} from '@lectern/api';
import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../src/cli/openapi.ts';
import { version } from '../../src/version.ts';

const run = promisify(execFile);
const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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
    expect(await committedText()).toBe(serializeOpenApiDocument(createOpenApiDocument(version)));
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
    const procedures = allProcedures().filter(({ meta }) => meta.openapi);
    expect(procedures.length).toBeGreaterThan(10);
    for (const { path: procedure, meta } of procedures) {
      const openapi = meta.openapi;
      if (!openapi) continue;
      const op = doc.paths[documented(openapi.path)]?.[openapi.method.toLowerCase()];
      expect(op, `${procedure}: ${openapi.method} ${openapi.path}`).toBeDefined();
      if (!op) continue;
      expect(op.summary, procedure).toBeTruthy();
      expect(op.description, procedure).toContain(`client.${procedure}.`);
      expect(op.tags?.length, procedure).toBe(1);
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect(success, procedure).toEqual([String(meta.successStatus ?? 200)]);
      if (meta.successStatus === 204) expect(op.responses['204']?.content, procedure).toBeUndefined();
      else expect(JSON.stringify(op.responses[success[0] ?? '']?.content), procedure).toContain('schema');
    }
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    for (const tag of doc.tags) expect(tag.description.length).toBeGreaterThan(10);
  });

  it('declares bearer security exactly on the procedures whose tier needs a token', async () => {
    const doc = await committed();
    for (const { path: procedure, meta } of allProcedures()) {
      const openapi = meta.openapi;
      if (!openapi) continue;
      const op = doc.paths[documented(openapi.path)]?.[openapi.method.toLowerCase()];
      expect(meta.access, procedure).toBeDefined();
      if (meta.access === 'reader') {
        // Reads of published content: an access token or a content key (header or ?key=).
        expect(op?.security, procedure).toEqual([
          { bearerAuth: [] },
          { contentKey: [] },
          { contentKeyQuery: [] },
        ]);
        expect(op?.responses['401'], procedure).toBeDefined();
      } else if (meta.access !== 'public') {
        expect(op?.security, procedure).toEqual([{ bearerAuth: [] }]);
        expect(op?.responses['401'], procedure).toBeDefined();
      } else {
        expect(op?.security, procedure).toEqual([]);
      }
    }
    expect(doc.paths['/api/users/login']?.post?.security).toEqual([]);
    expect(doc.paths['/api/users/register']?.post?.security).toEqual([]);
    expect(doc.paths['/api/users/me']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/posts']?.get?.security).toContainEqual({ contentKey: [] });
    expect(doc.paths['/api/content-keys']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/health-check']?.get?.security).toEqual([]);
  });

  it("uses the contract's error shapes: 400 field map or {detail, code}, {detail, code} elsewhere, 503 maintenance", async () => {
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
    expect(multipartRoutes.length).toBeGreaterThan(0);
    for (const route of multipartRoutes) {
      const docPath = documented(route.path);
      for (const method of route.method === 'PATCH' ? ['patch', 'put'] : [route.method.toLowerCase()]) {
        const op = doc.paths[docPath]?.[method];
        expect(op, `${method} ${docPath}`).toBeDefined();
        const media = Object.keys(op?.requestBody?.content ?? {});
        expect(media, `${method} ${docPath}`).toContain('multipart/form-data');
        if (route.procedure) expect(media, `${method} ${docPath}`).toContain('application/json');
        const schema = op?.requestBody?.content?.['multipart/form-data']?.schema as { properties: Json };
        for (const field of Object.keys(route.files)) {
          expect(schema.properties[field], field).toMatchObject({ type: 'string', format: 'binary' });
        }
        // The text fields are the JSON door's fields (derived from the same zod schema).
        for (const field of Object.keys(route.fields.shape))
          expect(schema.properties[field], field).toBeDefined();
      }
    }
  });

  it('carries the server version, which the SDK package has too', async () => {
    const doc = await committed();
    const server = JSON.parse(await readFile(path.join(serverRoot, 'package.json'), 'utf8'));
    const sdk = JSON.parse(await readFile(path.join(serverRoot, '../../packages/sdk/package.json'), 'utf8'));
    expect(doc.info.version).toBe(server.version);
    expect(sdk.version).toBe(server.version);
  });

  it("documents each procedure's declared errors under the status of their machine code", async () => {
    const doc = await committed();
    let declared = 0;
    for (const { path: procedure, meta } of allProcedures()) {
      for (const [status, error] of Object.entries(meta.errors ?? {})) {
        if (!error || !meta.openapi) continue;
        declared++;
        expect(String(MACHINE_CODES[error.code].status), `${procedure} ${error.code}`).toBe(status);
        const op = doc.paths[documented(meta.openapi.path)]?.[meta.openapi.method.toLowerCase()];
        expect(JSON.stringify(op?.responses[status]), `${procedure} ${status}`).toContain(error.code);
      }
    }
    expect(declared).toBeGreaterThan(5);
  });
});
