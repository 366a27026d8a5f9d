import { superuserProcedure } from '../../trpc.ts';
import { webhookIdInput, webhookOutput } from '../schemas.ts';
import { getWebhook } from '../service.ts';

export const getWebhookProcedure = superuserProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/webhooks/{id}',
      tags: ['webhooks'],
      summary: 'Read a webhook (superuser)',
      description: 'Its URL, events, switch and dates; never the secret.',
    },
  })
  .input(webhookIdInput)
  .output(webhookOutput)
  .query(({ ctx, input }) => getWebhook(ctx, input.id));
