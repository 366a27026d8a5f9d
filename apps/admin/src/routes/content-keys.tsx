import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import type { KeyStatus } from '../features/content-keys/queries.ts';
import { oneOf, pageSearch } from '../lib/search.ts';
import { appRoute } from './layout.tsx';

export interface ContentKeysSearch {
  page?: number;
  page_size?: number;
  status?: KeyStatus;
}

export const contentKeysRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'content-keys',
  validateSearch: (search: Record<string, unknown>): ContentKeysSearch => {
    const status = oneOf(search.status, ['active', 'revoked'] as const);
    return { ...pageSearch(search), ...(status ? { status } : {}) };
  },
  // The screen is its own chunk: the first load does not carry it.
  component: lazyRouteComponent(() => import('../features/content-keys/ContentKeysScreen.tsx')),
});
