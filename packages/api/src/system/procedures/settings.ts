import { z } from 'zod';
import { bool } from '../../schemas/common.ts';
import { superuserProcedure } from '../../trpc.ts';

export const settingsOutput = z
  .object({ maintenance: z.boolean(), allow_registration: z.boolean() })
  .meta({ id: 'Settings' });

export const getSettings = superuserProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/system/settings',
      tags: ['system'],
      summary: 'Read runtime switches',
      protect: true,
    },
    maintenanceExempt: 'superuser',
  })
  .input(z.void())
  .output(settingsOutput)
  .query(({ ctx }) => ctx.services.settings.get());

export const updateSettingsInput = z.object({
  maintenance: bool().optional(),
  allow_registration: bool().optional(),
});

const settingsPatch = (path: '/system/settings', method: 'PATCH' | 'PUT') =>
  superuserProcedure
    .meta({
      openapi: {
        method,
        path,
        tags: ['system'],
        summary: 'Switch maintenance or registration',
        protect: true,
      },
      maintenanceExempt: 'superuser',
    })
    .input(updateSettingsInput)
    .output(settingsOutput)
    .mutation(({ ctx, input }) => ctx.services.settings.update(input));

export const updateSettings = settingsPatch('/system/settings', 'PATCH');
export const replaceSettings = settingsPatch('/system/settings', 'PUT');
