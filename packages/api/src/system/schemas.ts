import { z } from 'zod';
import { bool } from '../shared/schemas.ts';

export const healthOutput = z
  .object({
    status: z.enum(['healthy', 'unhealthy']),
    maintenance: z.boolean(),
    database: z.enum(['ok', 'unavailable']),
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof healthOutput>;

export const settingsOutput = z
  .object({
    maintenance: z.boolean(),
    allow_registration: z.boolean(),
    anonymous_read: z.boolean().meta({
      description:
        'Anyone may read published posts, categories and files without an account or a content key.',
    }),
  })
  .meta({ id: 'Settings' });

export const updateSettingsInput = z.object({
  maintenance: bool().optional(),
  allow_registration: bool().optional(),
  anonymous_read: bool().optional(),
});
