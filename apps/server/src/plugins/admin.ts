/**
 * The staff app (apps/admin, built by Vite into apps/admin/dist) at /admin/: hashed assets cached for
 * a year (their names change with their content), index.html never cached, and every other path
 * under /admin/ answered with index.html so the app's own router can show deep links after a reload.
 * A Content-Security-Policy covers every answer: scripts only from this server, nothing inline.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const DEFAULT_ADMIN_ROOT = fileURLToPath(new URL('../../../admin/dist/', import.meta.url));

export const ADMIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine sets CSS variables in style attributes and one <style> element; no script runs inline.
  "style-src 'self' 'unsafe-inline'",
  // blob: previews a thumbnail before it is uploaded; media may come from PUBLIC_URL's host (https).
  "img-src 'self' data: blob: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Admin not built</title></head>
<body><h1>The admin app is not built</h1><p>Run <code>pnpm --filter @lectern/admin build</code> (or
<code>pnpm install</code>, which builds it), then reload.</p></body></html>`;

/** A top-level file of the build (favicon…), never a path outside it. */
const TOP_LEVEL_FILE = /^[A-Za-z0-9][\w.-]*\.[a-z0-9]+$/;

export async function adminPlugin(app: FastifyInstance, opts: { root?: string } = {}): Promise<void> {
  const root = opts.root ?? DEFAULT_ADMIN_ROOT;

  app.addHook('onSend', async (_req, reply) => {
    reply.header('Content-Security-Policy', ADMIN_CSP);
  });

  await app.register(fastifyStatic, {
    root: path.join(root, 'assets'),
    prefix: '/admin/assets/',
    index: false,
    list: false,
    dotfiles: 'deny',
    cacheControl: true,
    maxAge: '365d',
    immutable: true,
  });

  const sendIndex = async (reply: FastifyReply) => {
    let html: string;
    try {
      // Read per request: a rebuild is served without a restart, and the file is small.
      html = await readFile(path.join(root, 'index.html'), 'utf8');
    } catch {
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(NOT_BUILT);
    }
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
  };

  app.get('/admin', (_req, reply) => sendIndex(reply));
  app.get<{ Params: { '*': string } }>('/admin/*', async (req, reply) => {
    const rest = req.params['*'];
    if (TOP_LEVEL_FILE.test(rest) && rest !== 'index.html') {
      const file = path.join(root, rest);
      const found = await stat(file).then(
        (s) => s.isFile(),
        () => false,
      );
      // Not hashed (favicon…): an hour, not the assets' year.
      if (found) return reply.sendFile(rest, root, { maxAge: 3_600_000, immutable: false });
    }
    return sendIndex(reply);
  });
}
