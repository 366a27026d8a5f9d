import type { AppRouter, Context } from '@lectern/api';
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
      if (error.code === 'INTERNAL_SERVER_ERROR')
        app.log.error({ err: error.cause ?? error, path }, 'tRPC error');
    },
  };
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions,
    maxBodySize: opts.maxBodySize,
  } as never);
}
