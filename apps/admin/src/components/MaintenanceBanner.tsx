import { Alert, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { healthQuery } from '../features/settings/queries.ts';
import { maintenanceStore } from '../lib/maintenance.ts';
import { useStore } from '../lib/store.ts';

/**
 * Shown once the server answers 503 MAINTENANCE_MODE; the public health check is polled meanwhile,
 * and when maintenance is over the banner goes and every screen reloads its data.
 */
export function MaintenanceBanner() {
  const maintenance = useStore(maintenanceStore);
  const queryClient = useQueryClient();
  const health = useQuery({
    ...healthQuery(),
    enabled: maintenance,
    refetchInterval: maintenance ? 3000 : false,
  });
  useEffect(() => {
    if (maintenance && health.data && !health.data.maintenance) {
      maintenanceStore.set(false);
      void queryClient.invalidateQueries();
    }
  }, [maintenance, health.data, queryClient]);
  if (!maintenance) return null;
  return (
    <Alert color="yellow" title="Maintenance mode is on" data-testid="maintenance-banner" role="status">
      <Text size="sm">
        The site is under maintenance: the API refuses every request except a superuser&apos;s settings. This
        page comes back by itself when maintenance ends.
      </Text>
    </Alert>
  );
}
