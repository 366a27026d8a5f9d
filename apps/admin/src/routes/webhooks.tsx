import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { pageSearch } from '../lib/search.ts';
import { appRoute } from './layout.tsx';

export const webhooksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'webhooks',
  validateSearch: (search: Record<string, unknown>): { page?: number; page_size?: number } =>
    pageSearch(search),
  component: lazyRouteComponent(() => import('../features/webhooks/WebhooksScreen.tsx')),
});
