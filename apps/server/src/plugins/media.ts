import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Uploaded files under /media/, typed by their (generated, content-derived) extension, never sniffed. */
export async function mediaPlugin(app: FastifyInstance, opts: { root: string }): Promise<void> {
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
