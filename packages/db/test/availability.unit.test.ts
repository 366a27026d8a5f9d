/**
 * The outage classifier, the prepared-statement cap and the down-circuit, without a database: the
 * circuit is checked against a TCP server that accepts connections and never answers (what an
 * unreachable or hung database host looks like to the pool), counting the connections it receives.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from '../src/client.ts';
import { DatabaseUnavailableError, isDatabaseUnavailable, isPoolWaitTimeout } from '../src/errors.ts';
import { StatementNames } from '../src/statement-names.ts';

describe('isDatabaseUnavailable', () => {
  const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it('recognises refused, reset and dropped connections, shutdowns and pool timeouts, also when wrapped', () => {
    const outages = [
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      pgError('ECONNRESET', 'read ECONNRESET'),
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('57P03', 'the database system is starting up'),
      pgError('08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
      new DatabaseUnavailableError('down'),
      new Error('wrapped', { cause: pgError('ECONNREFUSED') }),
      Object.assign(new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')]), {
        code: 'ECONNREFUSED',
      }),
      new AggregateError([pgError('EHOSTUNREACH')]),
    ];
    for (const error of outages) expect(isDatabaseUnavailable(error), String(error)).toBe(true);
  });

  it('leaves real errors of the request alone', () => {
    const real = [
      pgError('23505', 'duplicate key value violates unique constraint'),
      pgError('42P01', 'relation "nope" does not exist'),
      pgError('57014', 'canceling statement due to statement timeout'),
      new Error('something else'),
      new TypeError('x is undefined'),
      null,
      undefined,
      'ECONNREFUSED',
    ];
    for (const error of real) expect(isDatabaseUnavailable(error), String(error)).toBe(false);
  });

  it('tells a saturated pool apart', () => {
    expect(isPoolWaitTimeout(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isPoolWaitTimeout(pgError('ECONNREFUSED'))).toBe(false);
  });
});

describe('StatementNames', () => {
  it('names the first `max` distinct texts, the same name each time, and no more', () => {
    const names = new StatementNames(3);
    const a = names.nameFor('select $1');
    expect(a).toMatch(/^l_[\w-]{24}$/);
    expect(names.nameFor('select $1')).toBe(a);
    expect(names.nameFor('select $1, 2')).toBeDefined();
    expect(names.nameFor('select $1, 3')).toBeDefined();
    for (let i = 4; i < 100; i++) expect(names.nameFor(`select $1, ${i}`)).toBeUndefined();
    expect(names.size).toBe(3);
    // The texts named before the cap keep their names.
    expect(names.nameFor('select $1')).toBe(a);
    expect(new StatementNames(0).nameFor('select $1')).toBeUndefined();
  });
});

describe('the down-circuit in front of the pool', () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    server?.close();
    server = undefined;
  });

  it('after one failed connection, fails at once and lets one probe through per retry period', async () => {
    let connections = 0;
    server = createServer((socket) => {
      connections++;
      sockets.push(socket); // accepted, never answered: like a hung or unreachable host
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const changes: boolean[] = [];
    const { db, circuit } = createDb({
      databaseUrl: `postgres://postgres@127.0.0.1:${port}/x`,
      poolSize: 5,
      connectTimeoutMs: 300,
      circuitRetryMs: 400,
      onAvailabilityChange: (available) => changes.push(available),
    });
    try {
      const first = await sql`select 1`.execute(db).catch((e: unknown) => e);
      expect(isDatabaseUnavailable(first)).toBe(true);
      expect(first).not.toBeInstanceOf(DatabaseUnavailableError);
      expect(connections).toBe(1);
      expect(circuit?.available).toBe(false);
      expect(changes).toEqual([false]);

      // Within the retry period: every query fails without a connection attempt.
      const burst = await Promise.all(
        Array.from({ length: 20 }, () => sql`select 1`.execute(db).catch((e: unknown) => e)),
      );
      for (const e of burst) expect(e).toBeInstanceOf(DatabaseUnavailableError);
      expect(connections).toBe(1);

      // After it: one probe goes to the server, the rest still fail at once.
      await new Promise((resolve) => setTimeout(resolve, 450));
      const next = await Promise.all(
        Array.from({ length: 5 }, () => sql`select 1`.execute(db).catch((e: unknown) => e)),
      );
      expect(next.filter((e) => e instanceof DatabaseUnavailableError)).toHaveLength(4);
      expect(connections).toBe(2);
      expect(changes).toEqual([false]);
    } finally {
      await db.destroy();
    }
  });
});
