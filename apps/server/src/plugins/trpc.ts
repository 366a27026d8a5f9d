import type { AppRouter, Context } from '@lectern/api';
import { isDatabaseUnavailable } from '@lectern/db';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface TrpcPluginOptions {
  router: AppRouter;
  createContext: (req: FastifyRequest) => Promise<Context>;
  maxBodySize: number;
}

/** The typed door for @lectern/sdk: tRPC over HTTP (batching on) under /trpc. */
export async function trpcPlugin(app: FastifyInstance, opts: TrpcPluginOptions): Promise<void> {
  const trpcOptions: FastifyTRPCPluginOptions<AppRouter>['trpcOptions'] = {
    router: opts.router,
    createContext: ({ req }) => opts.createContext(req),
    onError: ({ error, path }) => {
      // A database outage is logged once by the pool (server.ts), not once per request.
      if (error.code === 'INTERNAL_SERVER_ERROR' && !isDatabaseUnavailable(error.cause))
        app.log.error({ err: error.cause ?? error, path }, 'tRPC error');
    },
  };
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions,
    maxBodySize: opts.maxBodySize,
  } as never);
}
