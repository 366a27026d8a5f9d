import { z } from 'zod';

/*
 * trpc-to-openapi (3.x) sets `coerce = true` on every plain z.boolean()/z.number() of a REST input
 * object — mutating the schema shared with the tRPC door, so "sometimes" would become `true` on both.
 * A pipe is not coerced, so inputs use these wrappers instead of bare z.boolean()/z.number().
 */

/** A JSON boolean (true/false only). */
export const bool = () => z.boolean().transform((v) => v);

/** A JSON integer. */
export const int = () =>
  z
    .number()
    .int()
    .transform((v) => v);

const stringBool = z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] });

/**
 * A query-string boolean: `true`/`false`/`1`/`0` (REST), or a real boolean (tRPC). The trailing
 * transform makes it a pipe, which trpc-to-openapi accepts as a query parameter (a bare union holding
 * z.boolean() is rejected when the document is generated).
 */
export const queryBool = () =>
  z
    .union([z.boolean(), stringBool], { error: 'Must be true, false, 1 or 0.' })
    .transform((v) => v)
    .meta({ type: 'boolean' });
