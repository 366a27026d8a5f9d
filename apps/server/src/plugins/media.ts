import { Readable } from 'node:stream';
import fastifyStatic from '@fastify/static';
import { RangeNotSatisfiableError, S3Storage, type Storage, type StoredObject } from '@lectern/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface MediaPluginOptions {
  /** Local disk: the directory served. */
  root: string;
  storage: Storage;
  /** How an S3 bucket's objects are served (S3_MEDIA, S3_PRESIGN_SECONDS). */
  s3?: { mode: 'proxy' | 'redirect'; presignSeconds: number };
}

/** Keys are immutable (a new upload gets a new uuid): clients and proxies may keep them a week. */
const CACHE_CONTROL = 'public, max-age=604800, immutable';

function securityHeaders(reply: FastifyReply): void {
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Content-Security-Policy', "default-src 'none'; sandbox");
}

/**
 * Uploaded files under /media/, typed by their (generated, content-derived) extension, never sniffed.
 * Local disk through @fastify/static; an S3 bucket proxied (streamed, with the same headers) or, with
 * S3_MEDIA=redirect, answered by a 302 to a short-lived presigned URL.
 */
export async function mediaPlugin(app: FastifyInstance, opts: MediaPluginOptions): Promise<void> {
  if (opts.storage instanceof S3Storage) {
    await s3Media(app, opts.storage, opts.s3 ?? { mode: 'proxy', presignSeconds: 300 });
    return;
  }
  await app.register(fastifyStatic, {
    root: opts.root,
    prefix: '/media/',
    decorateReply: false,
    index: false,
    list: false,
    dotfiles: 'deny',
    maxAge: '7d',
    immutable: true,
    setHeaders(res) {
      res.header('X-Content-Type-Options', 'nosniff');
      res.header('Content-Security-Policy', "default-src 'none'; sandbox");
    },
  });
}

const SAFE_KEY = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/i;

async function s3Media(
  app: FastifyInstance,
  storage: S3Storage,
  s3: NonNullable<MediaPluginOptions['s3']>,
): Promise<void> {
  app.get('/media/*', async (req: FastifyRequest, reply: FastifyReply) => {
    const key = (req.params as { '*': string })['*'];
    // Anything that is not a key we could have made (dot files, `..`, odd characters) is not there.
    if (!SAFE_KEY.test(key) || key.includes('..')) return reply.callNotFound();
    if (s3.mode === 'redirect') {
      const url = await storage.presignedUrl(key, s3.presignSeconds);
      // The redirect may be reused while the URL is still good, by this client only.
      reply.header('Cache-Control', `private, max-age=${Math.floor(s3.presignSeconds / 2)}`);
      return reply.redirect(url, 302);
    }
    const range = typeof req.headers.range === 'string' ? req.headers.range : undefined;
    let object: StoredObject | null;
    try {
      object = await storage.read(key, range ? { range } : {});
    } catch (error) {
      // A range past the end: serve the whole file, as a server may ignore Range.
      if (!(error instanceof RangeNotSatisfiableError)) throw error;
      object = await storage.read(key);
    }
    if (!object) return reply.callNotFound();
    securityHeaders(reply);
    reply.header('Cache-Control', CACHE_CONTROL);
    reply.header('Accept-Ranges', 'bytes');
    reply.header('Content-Type', object.contentType);
    if (object.etag) reply.header('ETag', object.etag);
    if (object.lastModified) reply.header('Last-Modified', object.lastModified.toUTCString());
    if (object.etag && req.headers['if-none-match'] === object.etag) {
      object.body.destroy();
      return reply.code(304).send();
    }
    reply.header('Content-Length', String(object.length));
    if (object.range) {
      reply.code(206);
      reply.header('Content-Range', `bytes ${object.range.start}-${object.range.end}/${object.size}`);
    }
    if (req.method === 'HEAD') {
      // The headers only: the object's body is not read through (it would be, piped to a HEAD answer).
      object.body.destroy();
      return reply.send(Readable.from([]));
    }
    return reply.send(object.body);
  });
}
