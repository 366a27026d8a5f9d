import { router } from '../trpc.ts';
import { subscribeEventsProcedure } from './procedures/subscribe.ts';

export const eventsRouter = router({
  subscribe: subscribeEventsProcedure,
});
