import { superuserProcedure } from '../../trpc.ts';
import { systemExamples } from '../examples.ts';
import { settingsOutput, updateSettingsInput } from '../schemas.ts';

/** PATCH (and PUT, which the REST door serves alike): only the switches sent change. */
export const updateSettingsProcedure = superuserProcedure
  .meta({
    openapi: {
      method: 'PATCH',
      path: '/system/settings',
      tags: ['system'],
      summary: 'Switch maintenance, registration or anonymous reading',
    },
    maintenanceExempt: 'superuser',
    examples: systemExamples.updateSettings,
  })
  .input(updateSettingsInput)
  .output(settingsOutput)
  .mutation(({ ctx, input }) => ctx.services.settings.update(input));
