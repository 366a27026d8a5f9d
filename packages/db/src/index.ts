export { DatabaseCircuit } from './circuit.ts';
export { createDb, type DbConfig, type DbHandle, type DbKind } from './client.ts';
export { DatabaseUnavailableError, isDatabaseUnavailable, isPoolWaitTimeout } from './errors.ts';
export { type MigrationStatus, migrateToLatest, migrationNames, migrationStatus } from './migrate.ts';
export {
  EVENTS_CHANNEL,
  type ListenHandlers,
  type NotificationSource,
  pgliteNotificationSource,
  pgNotificationSource,
} from './notifications.ts';
export { type PurgeCounts, type PurgeOptions, purgeExpiredRows } from './purges.ts';
export { StatementNames } from './statement-names.ts';
export * from './types.ts';
