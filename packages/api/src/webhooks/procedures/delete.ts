import { z } from 'zod';
import { superuserProcedure } from '../../trpc.ts';
import { webhookIdInput } from '../schemas.ts';
import { removeWebhook } from '../service.ts';

export const deleteWebhookProcedure = superuserProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/webhooks/{id}',
      tags: ['webhooks'],
      summary: 'Delete a webhook (superuser)',
      description: 'Its queued deliveries and its delivery log go with it; nothing more is sent to it.',
    },
    successStatus: 204,
  })
  .input(webhookIdInput)
  .output(z.void())
  .mutation(({ ctx, input }) => removeWebhook(ctx, input.id));
