import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../features/webhooks/queries.ts';
import { oneOf, pageSearch } from '../lib/search.ts';
import { appRoute } from './layout.tsx';

export interface WebhookSearch {
  page?: number;
  page_size?: number;
  status?: DeliveryStatus;
}

export const webhookRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'webhooks/$id',
  validateSearch: (search: Record<string, unknown>): WebhookSearch => {
    const status = oneOf(search.status, DELIVERY_STATUSES);
    return { ...pageSearch(search), ...(status ? { status } : {}) };
  },
  component: lazyRouteComponent(() => import('../features/webhooks/WebhookScreen.tsx')),
});
