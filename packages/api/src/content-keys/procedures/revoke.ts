import { staffProcedure } from '../../trpc.ts';
import { contentKeysExamples } from '../examples.ts';
import { contentKeyIdInput, contentKeyOutput } from '../schemas.ts';
import { revokeKey } from '../service.ts';

export const revokeContentKeyProcedure = staffProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/content-keys/{id}/revoke',
      tags: ['content-keys'],
      summary: 'Revoke a content key (staff)',
      description:
        'From the next request on, the key is refused with 401 `TOKEN_INVALID` by every server process. ' +
        'The key stays listed with its revocation time; revoking it again changes nothing.',
    },
    examples: contentKeysExamples.revoke,
  })
  .input(contentKeyIdInput)
  .output(contentKeyOutput)
  .mutation(({ ctx, input }) => revokeKey(ctx, input.id));
