import { superuserProcedure } from '../../trpc.ts';
import { webhooksExamples } from '../examples.ts';
import { webhookCreateInput, webhookWithSecretOutput } from '../schemas.ts';
import { createWebhook } from '../service.ts';

export const createWebhookProcedure = superuserProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/webhooks',
      tags: ['webhooks'],
      summary: 'Create a webhook (superuser)',
      description:
        'Registers an endpoint for the events listed: every later change of those kinds is POSTed to it, ' +
        'signed with the secret in the answer (shown this once). See the README for the headers and the ' +
        'retry schedule.',
    },
    successStatus: 201,
    errors: {
      '400': {
        code: 'WEBHOOK_ADDRESS_REFUSED',
        description:
          'The URL names a loopback, private or other non-public address (or `localhost`) and the server ' +
          'does not set WEBHOOK_ALLOW_PRIVATE=true. Other URL problems are field errors on `url`.',
      },
    },
    examples: webhooksExamples.create,
  })
  .input(webhookCreateInput)
  .output(webhookWithSecretOutput)
  .mutation(({ ctx, input }) => createWebhook(ctx, input));
