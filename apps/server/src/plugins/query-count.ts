import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LogEvent } from 'kysely';

export const SQL_STATEMENTS_HEADER = 'x-lectern-sql-statements';

interface Tally {
  statements: number;
}

/**
 * Bench mode (BENCH_COUNT_QUERIES): counts the SQL statements each request runs and reports them in
 * the `x-lectern-sql-statements` response header. Statements are attributed through an
 * AsyncLocalStorage entered when the request arrives and again before its handler (a request body is
 * read in socket callbacks, outside the first context). A statement shared by several requests (a
 * cached settings read, the content version read) counts once, for the request that sent it.
 */
export class QueryCounter {
  readonly #context = new AsyncLocalStorage<Tally>();
  readonly #tallies = new WeakMap<FastifyRequest, Tally>();

  /** createDb's onQuery. */
  readonly onQuery = (_event: LogEvent): void => {
    const tally = this.#context.getStore();
    if (tally) tally.statements++;
  };

  install(app: FastifyInstance): void {
    app.addHook('onRequest', (req, _reply, done) => {
      const tally = { statements: 0 };
      this.#tallies.set(req, tally);
      this.#context.run(tally, done);
    });
    app.addHook('preHandler', (req, _reply, done) => {
      const tally = this.#tallies.get(req);
      if (tally) this.#context.run(tally, done);
      else done();
    });
    app.addHook('onSend', async (req, reply, payload) => {
      const tally = this.#tallies.get(req);
      if (tally) reply.header(SQL_STATEMENTS_HEADER, String(tally.statements));
      return payload;
    });
  }
}
