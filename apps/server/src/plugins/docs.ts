import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { OpenApiDocument } from '@lectern/api';
import type { FastifyInstance } from 'fastify';

/**
 * /api/openapi.json and /docs (Swagger UI, every asset served from the package: no CDN).
 */
export async function docsPlugin(app: FastifyInstance, opts: { document: OpenApiDocument }): Promise<void> {
  app.get('/api/openapi.json', { schema: { hide: true } }, async (_req, reply) => reply.send(opts.document));
  await app.register(swagger, { mode: 'static', specification: { document: opts.document as never } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
    staticCSP: true,
  });
}
