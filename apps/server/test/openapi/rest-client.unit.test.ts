/**
 * A non-TypeScript-SDK client from the spec alone: openapi-typescript generates the types of
 * test/openapi/rest-client/schema.ts from the committed openapi.json, and openapi-fetch code written against
 * them (test/openapi/rest-client/flow.ts) compiles strictly. rest-client.test.ts runs that code against a server.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE, REST_CLIENT_SCHEMA_FILE, restClientSchema } from '../../src/cli/openapi.ts';

const run = promisify(execFile);
const clientDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rest-client');

describe('REST client generated from the committed spec', () => {
  it('has types that openapi-typescript generates from openapi.json alone', async () => {
    const spec = JSON.parse(await readFile(OPENAPI_FILE, 'utf8'));
    const generated = await restClientSchema(spec);
    expect(generated).toContain('"/api/posts": {');
    expect(generated).toContain('"/api/users/register": {');
    expect(await readFile(REST_CLIENT_SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  it('compiles the openapi-fetch flow strictly, wrong paths and bodies being errors', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', path.join(clientDir, 'tsconfig.json')]).then(
      (r) => ({ ok: true, output: r.stdout }),
      (e: { stdout?: string; stderr?: string }) => ({
        ok: false,
        output: `${e.stdout ?? ''}${e.stderr ?? ''}`,
      }),
    );
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);
});
