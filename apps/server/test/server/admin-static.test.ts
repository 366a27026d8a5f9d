/**
 * The admin app's files at /admin/ (plugins/admin.ts): hashed assets cached for a year, index.html
 * never, deep links answered with index.html, a CSP on every answer, a clear 503 while unbuilt; and
 * the files stay reachable during maintenance while the API refuses.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CSP, adminPlugin } from '../../src/plugins/admin.ts';
import { createTestApp, type TestApp } from '../helpers.ts';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/admin/assets/index-abc123.js"></script></head></html>';

describe('admin app files', () => {
  let root: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'lectern-admin-dist-'));
    await mkdir(path.join(root, 'assets'));
    await writeFile(path.join(root, 'index.html'), INDEX);
    await writeFile(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(path.join(root, 'assets/index-abc123.js'), 'console.log(1);');
    app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    await app.register(adminPlugin, { root });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves index.html uncached for the app and every deep link, with the CSP', async () => {
    for (const url of ['/admin', '/admin/', '/admin/posts?page=3&search=x', '/admin/users/ada-1234abcd']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toBe(INDEX);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe(ADMIN_CSP);
    }
    expect(ADMIN_CSP).toContain("script-src 'self'");
    expect(ADMIN_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('caches hashed assets for a year, immutable; a missing asset is a 404, not the app', async () => {
    const asset = await app.inject({ url: '/admin/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toBe(ADMIN_CSP);
    const missing = await app.inject({ url: '/admin/assets/index-old999.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toContain('<html');
    const favicon = await app.inject({ url: '/admin/favicon.svg' });
    expect(favicon.statusCode).toBe(200);
    expect(favicon.headers['cache-control']).toBe('public, max-age=3600');
    const outside = await app.inject({ url: '/admin/..%2Fetc%2Fpasswd' });
    expect(outside.body).toBe(INDEX);
  });

  it('answers 503 with the build command while the app is not built', async () => {
    const bare = Fastify();
    await bare.register(adminPlugin, { root: path.join(root, 'missing') });
    const res = await bare.inject({ url: '/admin/posts' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('pnpm --filter @lectern/admin build');
    await bare.close();
  });
});

describe('admin app during maintenance', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('still serves the app (a superuser signs in there to turn maintenance off) while the API refuses', async () => {
    await t.testDb.db.updateTable('settings').set({ maintenance: true }).execute();
    const api = await t.app.inject({ url: '/api/posts/', headers: { accept: 'text/html' } });
    expect(api.statusCode).toBe(503);
    expect(api.body).toContain('Under maintenance');
    for (const url of ['/admin/', '/admin/settings']) {
      const res = await t.app.inject({ url, headers: { accept: 'text/html' } });
      expect(res.body, url).not.toContain('Under maintenance');
      expect(res.headers['content-security-policy']).toBe(ADMIN_CSP);
    }
  });
});
