import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../src/cli/openapi.ts';
import { createTestApp, type TestApp } from '../helpers.ts';

describe('OpenAPI document and docs page, served', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves exactly the committed document at /api/openapi.json', async () => {
    const res = await t.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json()).toEqual(JSON.parse(await readFile(OPENAPI_FILE, 'utf8')));
    // The docs page reads its own copy: the same document.
    const docsCopy = await t.app.inject({ url: '/docs/json' });
    expect(docsCopy.statusCode).toBe(200);
    expect(docsCopy.json()).toEqual(res.json());
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining(['/api/system/health', '/api/users/login', '/api/posts', '/health-check']),
    );
  });

  it('serves /docs with its assets locally', async () => {
    const page = await t.app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const assets = [...page.body.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const res = await t.app.inject({ url: `/docs/${asset}` });
      expect(res.statusCode, asset).toBe(200);
    }
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)[^"' ]+\.(js|css)/);
  });
});
