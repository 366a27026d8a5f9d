import { superuserProcedure } from '../../trpc.ts';
import { webhooksExamples } from '../examples.ts';
import { deliveryOutput, webhookIdInput } from '../schemas.ts';
import { pingWebhook } from '../service.ts';

export const pingWebhookProcedure = superuserProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/webhooks/{id}/ping',
      tags: ['webhooks'],
      summary: 'Send a test delivery (superuser)',
      description:
        'Queues a `webhook.ping` delivery, signed and retried like any other; the answer is the queued ' +
        'delivery, whose outcome the delivery log shows.',
    },
    successStatus: 201,
    examples: webhooksExamples.ping,
  })
  .input(webhookIdInput)
  .output(deliveryOutput)
  .mutation(({ ctx, input }) => pingWebhook(ctx, input.id));
