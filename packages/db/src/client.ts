import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type KyselyConfig, type LogEvent, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './types.ts';

export type DbKind = 'postgres' | 'pglite';

export interface DbConfig {
  /** postgres://… selects PostgreSQL; absent selects PGlite under `dataDir`. */
  databaseUrl?: string | undefined;
  /** Where PGlite keeps its files; ignored on PostgreSQL. */
  dataDir?: string;
  /** An already-open PGlite (tests load a migrated template into one). */
  pglite?: PGlite;
  /** Pool size on PostgreSQL. */
  poolSize?: number;
  /** Called after every statement (query counting, slow-query logs). */
  onQuery?: (event: LogEvent) => void;
}

export interface DbHandle {
  db: Kysely<Database>;
  kind: DbKind;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * pg returns int8 and numeric as strings; PGlite as numbers. Parse both to numbers here so the
 * two dialects hand identical rows to the query layer (ids and counts stay far below 2^53).
 */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export function createDb(config: DbConfig): DbHandle {
  const log: KyselyConfig['log'] = config.onQuery
    ? (event) => {
        config.onQuery?.(event);
      }
    : undefined;
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.poolSize ?? 10,
      types: pgTypes,
    });
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log }), kind: 'postgres' };
  }
  let client = config.pglite;
  if (!client) {
    const dir = path.resolve(config.dataDir ?? './data', 'pglite');
    mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(client), log }), kind: 'pglite' };
}
