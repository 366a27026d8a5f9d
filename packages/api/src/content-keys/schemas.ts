import { z } from 'zod';
import { pageOf, pageParams } from '../shared/pagination.ts';
import { queryBool, queryInt, userRef } from '../shared/schemas.ts';

export const MAX_KEY_NAME_LENGTH = 100;
/** Every content key starts with this; anything else in its place is not a content key. */
export const CONTENT_KEY_PREFIX = 'lk_';

export const contentKeyCreateInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'This field may not be blank.')
    .max(MAX_KEY_NAME_LENGTH, `Ensure this field has no more than ${MAX_KEY_NAME_LENGTH} characters.`)
    .meta({ description: 'What the key is for, e.g. "Marketing site (production)".' }),
});

export const contentKeyListInput = z.object({
  ...pageParams,
  revoked: queryBool().optional().meta({ description: 'true: only revoked keys; false: only keys in use.' }),
});

export const contentKeyIdInput = z.object({ id: queryInt('The key id.') });

const keyFields = {
  id: z.number().int(),
  name: z.string(),
  prefix: z.string().meta({ description: 'The first characters of the key, to tell keys apart.' }),
  created_by: userRef.nullable().meta({ description: 'The staff member who created it.' }),
  created_at: z.date(),
  last_used_at: z
    .date()
    .nullable()
    .meta({ description: 'When a request last used it (updated at most once a minute).' }),
  revoked_at: z.date().nullable().meta({ description: 'When it was revoked; null while it works.' }),
};

export const contentKeyOutput = z.object(keyFields).meta({ id: 'ContentKey' });
export const createdContentKeyOutput = z
  .object({
    ...keyFields,
    key: z.string().meta({
      description:
        'The key itself (`lk_…`): shown this once and never again (only its hash is stored). Send it as ' +
        '`Authorization: Bearer lk_…` or `?key=lk_…`.',
    }),
  })
  .meta({ id: 'CreatedContentKey' });
export const contentKeyPageOutput = pageOf(contentKeyOutput, 'ContentKeyPage');

export type ContentKey = z.infer<typeof contentKeyOutput>;
export type CreatedContentKey = z.infer<typeof createdContentKeyOutput>;
