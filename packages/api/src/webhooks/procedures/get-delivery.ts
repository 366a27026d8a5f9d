import { superuserProcedure } from '../../trpc.ts';
import { deliveryInput, deliveryOutput } from '../schemas.ts';
import { getWebhookDelivery } from '../service.ts';

export const getWebhookDeliveryProcedure = superuserProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/webhooks/{id}/deliveries/{delivery_id}',
      tags: ['webhooks'],
      summary: 'Read a delivery (superuser)',
      description: 'One entry of the delivery log.',
    },
  })
  .input(deliveryInput)
  .output(deliveryOutput)
  .query(({ ctx, input }) => getWebhookDelivery(ctx, input.id, input.delivery_id));
