import { paginate } from '../../shared/pagination.ts';
import { superuserProcedure } from '../../trpc.ts';
import { webhooksExamples } from '../examples.ts';
import { webhookListInput, webhookPageOutput } from '../schemas.ts';
import { listEndpoints } from '../service.ts';

export const listWebhooksProcedure = superuserProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/webhooks',
      tags: ['webhooks'],
      summary: 'List webhooks (superuser)',
      description: 'Newest first. Never the secrets.',
    },
    examples: webhooksExamples.list,
  })
  .input(webhookListInput)
  .output(webhookPageOutput)
  .query(({ ctx, input }) =>
    paginate(ctx, { restPath: '/api/webhooks/', input, load: (window) => listEndpoints(ctx, window) }),
  );
