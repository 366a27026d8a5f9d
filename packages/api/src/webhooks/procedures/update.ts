import { superuserProcedure } from '../../trpc.ts';
import { webhooksExamples } from '../examples.ts';
import { webhookOutput, webhookUpdateInput } from '../schemas.ts';
import { changeWebhook } from '../service.ts';

/** PATCH (and PUT, which the REST door serves alike): only the fields sent change. */
export const updateWebhookProcedure = superuserProcedure
  .meta({
    openapi: {
      method: 'PATCH',
      path: '/webhooks/{id}',
      tags: ['webhooks'],
      summary: 'Update a webhook (superuser)',
      description:
        'Changes only the fields sent. A new event list applies to events recorded from now on; ' +
        'deliveries already queued are sent as queued.',
    },
    errors: {
      '400': {
        code: 'WEBHOOK_ADDRESS_REFUSED',
        description: 'The new URL names a non-public address and WEBHOOK_ALLOW_PRIVATE is not set.',
      },
    },
    examples: webhooksExamples.update,
  })
  .input(webhookUpdateInput)
  .output(webhookOutput)
  .mutation(({ ctx, input }) => changeWebhook(ctx, input));
