import type { AppRouter } from '@lectern/api';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';

export interface LecternClientOptions {
  /** The server's base URL, e.g. http://localhost:8000 (the tRPC door is at /trpc). */
  url: string;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
}

export type LecternTrpcClient = ReturnType<typeof createTRPCClient<AppRouter>>;

/** A typed client for Lectern: every procedure's input and output inferred from the server's router. */
export function createLecternClient(options: LecternClientOptions): LecternTrpcClient {
  const base = options.url.replace(/\/+$/, '');
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/trpc`,
        transformer: superjson,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        headers: async () => (options.headers ? options.headers() : {}),
      }),
    ],
  });
}

export type { AppRouter };
export { TRPCClientError };
