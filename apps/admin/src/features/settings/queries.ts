/** Every SDK call of the settings screen and of the health check (dashboard, maintenance banner). */
import { queryOptions } from '@tanstack/react-query';
import { call } from '../../lib/sdk.ts';

export const settingsKeys = {
  settings: ['system', 'settings'] as const,
  health: ['system', 'health'] as const,
};

export const settingsQuery = () =>
  queryOptions({
    queryKey: settingsKeys.settings,
    queryFn: () => call((sdk) => sdk.system.settings.get.query()),
  });

export const healthQuery = () =>
  queryOptions({ queryKey: settingsKeys.health, queryFn: () => call((sdk) => sdk.system.health.query()) });

export const updateSettings = (patch: {
  maintenance?: boolean;
  allow_registration?: boolean;
  anonymous_read?: boolean;
}) => call((sdk) => sdk.system.settings.update.mutate(patch));
