import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type KyselyConfig, type LogEvent, PostgresDialect, type PostgresPool } from 'kysely';
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
  /**
   * PostgreSQL: send parameterised statements as named prepared statements, so each connection parses
   * a statement once and PostgreSQL can reuse its plan instead of planning it on every execution.
   */
  preparedStatements?: boolean;
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

type QueryFn = (text: unknown, values?: unknown) => Promise<unknown>;
const PREPARED = Symbol('lectern.prepared');

/**
 * Wraps a pool client's `query(text, values)` so that a statement with parameters goes out as a named
 * prepared statement (pg parses each name once per connection). Statements without parameters keep
 * the simple protocol (migrations send several commands in one string, which a prepared statement
 * cannot hold).
 */
function prepareStatements(client: pg.PoolClient, names: Map<string, string>): pg.PoolClient {
  const marked = client as pg.PoolClient & { [PREPARED]?: true };
  if (marked[PREPARED]) return client;
  marked[PREPARED] = true;
  const target = client as unknown as { query: QueryFn };
  const original = target.query.bind(client) as QueryFn;
  target.query = (text: unknown, values?: unknown) => {
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0) {
      return original(text, values);
    }
    let name = names.get(text);
    if (name === undefined) {
      name = `l_${createHash('sha1').update(text).digest('base64url').slice(0, 24)}`;
      names.set(text, name);
    }
    return original({ name, text, values });
  };
  return client;
}

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
    const names = new Map<string, string>();
    const dialectPool: PostgresPool = config.preparedStatements
      ? {
          connect: async () => prepareStatements(await pool.connect(), names),
          end: () => pool.end(),
        }
      : pool;
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: dialectPool }), log }),
      kind: 'postgres',
    };
  }
  let client = config.pglite;
  if (!client) {
    const dir = path.resolve(config.dataDir ?? './data', 'pglite');
    mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(client), log }), kind: 'pglite' };
}
