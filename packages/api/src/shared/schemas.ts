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

/** A row id: a positive 32-bit integer. */
export const rowId = () =>
  z
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .transform((v) => v);

const stringBool = z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] });

/**
 * A boolean query parameter: a real boolean on the typed door (its declared type), `true`/`false`/
 * `1`/`0` as REST query text. The declared input type is what TypeScript callers see; the runtime
 * schema also takes the text REST sends (the cast says so, in this one place).
 */
export const queryBool = () =>
  z
    .union([z.boolean(), stringBool], { error: 'Must be true, false, 1 or 0.' })
    .transform((v) => v)
    .meta({ override: { type: 'boolean', anyOf: undefined } }) as unknown as z.ZodType<boolean, boolean>;

/**
 * A positive integer query parameter read by its procedure (a bad page is a 404, not a 400): a number
 * on the typed door, digits on REST. Values that are neither reach the procedure as they are.
 */
export const queryInt = (description: string) =>
  z
    .union([z.number(), z.string()])
    .transform((v) => v)
    .meta({
      description,
      override: { type: 'integer', minimum: 1, anyOf: undefined },
    }) as unknown as z.ZodType<number | string, number>;

/** A path slug: any text (an unknown slug is a 404 from the procedure, not a 400). */
export const slugParam = () => z.string().max(300);

/** Who wrote or uploaded something, as every content answer names them. */
export const userRef = z
  .object({ id: z.number().int(), username: z.string(), slug: z.string() })
  .meta({ id: 'Author' });
export type UserRef = z.infer<typeof userRef>;
