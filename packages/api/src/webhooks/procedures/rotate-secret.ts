import { superuserProcedure } from '../../trpc.ts';
import { webhooksExamples } from '../examples.ts';
import { webhookIdInput, webhookWithSecretOutput } from '../schemas.ts';
import { rotateWebhookSecret } from '../service.ts';

export const rotateWebhookSecretProcedure = superuserProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/webhooks/{id}/rotate-secret',
      tags: ['webhooks'],
      summary: 'Rotate a webhook secret (superuser)',
      description:
        'A new signing secret, shown this once; every attempt from now on (retries of queued deliveries ' +
        'included) is signed with it.',
    },
    examples: webhooksExamples.rotateSecret,
  })
  .input(webhookIdInput)
  .output(webhookWithSecretOutput)
  .mutation(({ ctx, input }) => rotateWebhookSecret(ctx, input.id));
