import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { maintenanceStore } from './maintenance.ts';
import { LecternError } from './sdk.ts';

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: LecternError;
  }
}

/** Set by the router: what to do when the server says the session is gone (401). */
let onSessionLost: () => void = () => {};
export function setSessionLostHandler(handler: () => void): void {
  onSessionLost = handler;
}

/** Answers that concern the whole app, whichever screen asked: 401 → sign in again, 503 → banner. */
function handleGlobally(error: unknown): void {
  const e = LecternError.from(error);
  if (e.status === 401 && (e.code === 'NOT_AUTHENTICATED' || e.code === 'TOKEN_INVALID')) onSessionLost();
  if (e.status === 503 && e.code === 'MAINTENANCE_MODE') maintenanceStore.set(true);
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: handleGlobally }),
  mutationCache: new MutationCache({ onError: handleGlobally }),
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // Only a network failure or a 5xx other than maintenance is worth asking again.
      retry: (failures, error) =>
        failures < 2 && (error.status === 0 || (error.status >= 500 && error.status !== 503)),
    },
  },
});
