import { paginate } from '../../shared/pagination.ts';
import { superuserProcedure } from '../../trpc.ts';
import { webhooksExamples } from '../examples.ts';
import { deliveryListInput, deliveryPageOutput } from '../schemas.ts';
import { listWebhookDeliveries } from '../service.ts';

export const listWebhookDeliveriesProcedure = superuserProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/webhooks/{id}/deliveries',
      tags: ['webhooks'],
      summary: 'List the deliveries of a webhook (superuser)',
      description:
        'The delivery log, newest first: status, attempts, the last response status, duration and error.',
    },
    examples: webhooksExamples.listDeliveries,
  })
  .input(deliveryListInput)
  .output(deliveryPageOutput)
  .query(({ ctx, input }) =>
    paginate(ctx, {
      restPath: `/api/webhooks/${input.id}/deliveries/`,
      input,
      load: (window) => listWebhookDeliveries(ctx, { id: input.id, status: input.status, ...window }),
    }),
  );
