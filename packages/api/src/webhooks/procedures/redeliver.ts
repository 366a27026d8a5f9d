import { superuserProcedure } from '../../trpc.ts';
import { webhooksExamples } from '../examples.ts';
import { deliveryInput, deliveryOutput } from '../schemas.ts';
import { redeliver } from '../service.ts';

export const redeliverWebhookProcedure = superuserProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/webhooks/{id}/deliveries/{delivery_id}/redeliver',
      tags: ['webhooks'],
      summary: 'Redeliver (superuser)',
      description:
        'Queues the same event again as a new delivery (same body and `Lectern-Webhook-Id`, new ' +
        'signature), attempted and retried like a new one; the old delivery stays in the log.',
    },
    successStatus: 201,
    errors: {
      '409': { code: 'CONFLICT', description: 'The delivery is still queued or being sent.' },
    },
    examples: webhooksExamples.redeliver,
  })
  .input(deliveryInput)
  .output(deliveryOutput)
  .mutation(({ ctx, input }) => redeliver(ctx, input.id, input.delivery_id));
