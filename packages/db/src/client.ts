import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type KyselyConfig, type LogEvent, PostgresDialect, type PostgresPool } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { DatabaseCircuit } from './circuit.ts';
import { type NotificationSource, pgliteNotificationSource, pgNotificationSource } from './notifications.ts';
import { StatementNames } from './statement-names.ts';
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
  /** At most this many statement texts get a prepared-statement name (statement-names.ts). Default 500. */
  preparedStatementsMax?: number;
  /**
   * PostgreSQL: how long to wait for a connection (a new one, or a free one from a full pool) before
   * failing. Default 0: wait forever (the command-line tools); the server sets one.
   */
  connectTimeoutMs?: number;
  /** While the database is down, how often one connection attempt goes through. Default 500 ms. */
  circuitRetryMs?: number;
  /** A pooled connection failed while idle (the database went away): report it, never crash. */
  onConnectionError?: (error: Error) => void;
  /** The database was seen going down (with the error) or coming back. */
  onAvailabilityChange?: (available: boolean, error?: unknown) => void;
}

export interface DbHandle {
  db: Kysely<Database>;
  kind: DbKind;
  /** PostgreSQL only: whether the database currently answers (see circuit.ts). */
  circuit?: DatabaseCircuit;
  /** `LISTEN` on this database (live content events). */
  notifications: NotificationSource;
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
const INSTRUMENTED = Symbol('lectern.instrumented');

/**
 * Wraps a pool client's `query(text, values)` once: every outcome feeds the circuit, and (with
 * `names`) a statement with parameters goes out as a named prepared statement, parsed once per
 * connection. Statements without parameters keep the simple protocol (migrations send several
 * commands in one string, which a prepared statement cannot hold).
 */
function instrument(
  client: pg.PoolClient,
  circuit: DatabaseCircuit,
  names: StatementNames | undefined,
): pg.PoolClient {
  const marked = client as pg.PoolClient & { [INSTRUMENTED]?: true };
  if (marked[INSTRUMENTED]) return client;
  marked[INSTRUMENTED] = true;
  const target = client as unknown as { query: QueryFn };
  const original = target.query.bind(client) as QueryFn;
  const send = (text: unknown, values?: unknown) => {
    if (!names || typeof text !== 'string' || !Array.isArray(values) || values.length === 0) {
      return original(text, values);
    }
    const name = names.nameFor(text);
    return name === undefined ? original(text, values) : original({ name, text, values });
  };
  target.query = (text: unknown, values?: unknown) =>
    send(text, values).then(
      (result) => {
        circuit.recordSuccess();
        return result;
      },
      (error: unknown) => {
        circuit.recordFailure(error);
        throw error;
      },
    );
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
      connectionTimeoutMillis: config.connectTimeoutMs ?? 0,
      // Notices a peer that vanished without closing the socket sooner than the OS default would.
      keepAlive: true,
    });
    // An idle connection whose server went away (restart, failover, `pg_ctl stop`) is reported
    // through the pool's 'error' event; with no listener that event would end the process.
    pool.on('error', (error) => config.onConnectionError?.(error));
    // A connection that dies while checked out also emits 'error' on the client (the pool listens
    // only while it is idle); its query is rejected with the same error, which reaches the caller.
    pool.on('connect', (client) => client.on('error', () => {}));
    const circuit = new DatabaseCircuit({
      retryMs: config.circuitRetryMs ?? 500,
      onChange: config.onAvailabilityChange,
    });
    const names = config.preparedStatements
      ? new StatementNames(config.preparedStatementsMax ?? 500)
      : undefined;
    const dialectPool: PostgresPool = {
      connect: async () => {
        circuit.admit();
        let client: pg.PoolClient;
        try {
          client = await pool.connect();
        } catch (error) {
          circuit.recordFailure(error);
          throw error;
        }
        return instrument(client, circuit, names);
      },
      end: () => pool.end(),
    };
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: dialectPool }), log }),
      kind: 'postgres',
      circuit,
      notifications: pgNotificationSource(config.databaseUrl),
    };
  }
  let client = config.pglite;
  if (!client) {
    const dir = path.resolve(config.dataDir ?? './data', 'pglite');
    mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  return {
    db: new Kysely<Database>({ dialect: new PGliteDialect(client), log }),
    kind: 'pglite',
    notifications: pgliteNotificationSource(client),
  };
}
