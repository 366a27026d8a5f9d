import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The REST lists and items whose bodies are content (posts, categories, the file gallery). */
const CONTENT_PATH = /^\/api\/(posts|categories|files)(\/|\?|$)/;

function matches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  // Weak comparison (RFC 9110 §13.1.2): W/"x" and "x" are the same tag.
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * `ETag` on successful GET/HEAD answers of the content paths, and `304 Not Modified` for a request
 * whose `If-None-Match` holds the tag of the answer it would get. The tag is a hash of the body itself,
 * so it changes exactly when the content the client would see changes: it can never validate a stale
 * copy, whatever process or cache produced the answer. `Cache-Control: private, no-cache` makes clients
 * revalidate every time (bodies depend on who asks: `Vary: Authorization`).
 */
export function installContentEtags(app: FastifyInstance): void {
  // The REST bridge rewrites request.url; decide on the URL the client sent.
  const eligible = new WeakSet<FastifyRequest>();
  app.addHook('onRequest', async (req) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && CONTENT_PATH.test(req.url)) eligible.add(req);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (!eligible.has(req) || reply.statusCode !== 200) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const etag = `"${createHash('sha1').update(payload).digest('base64url')}"`;
    reply.header('ETag', etag);
    reply.header('Cache-Control', 'private, no-cache');
    const vary = reply.getHeader('vary');
    reply.header('Vary', vary ? `${String(vary)}, Authorization` : 'Authorization');
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && matches(ifNoneMatch, etag)) {
      reply.code(304);
      return '';
    }
    return payload;
  });
}
