export { createDb, type DbConfig, type DbHandle, type DbKind } from './client.ts';
export { migrateToLatest, migrationNames } from './migrate.ts';
export * from './types.ts';
