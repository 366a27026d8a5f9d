import superjson, { type SuperJSONResult } from 'superjson';

/*
 * What the typed door (tRPC) sends: superjson's wire format, so the SDK (and any client on
 * `superjson`) reads it unchanged — but written by a walk that knows only what Lectern's outputs are
 * made of: JSON values, Dates and `undefined`. superjson's own serializer walks every value through
 * its whole registry of types and records which objects are shared (576 µs for a 20-post page, 6× a
 * `JSON.stringify`; it made the typed door slower than REST for the same list). Anything else — a Map,
 * a BigInt, a non-finite number, a class instance, a key that needs escaping — falls back to
 * superjson itself, so nothing is ever sent wrong. Shared references are not recorded: a client gets
 * equal copies instead of one shared object, which no Lectern output relies on. Inputs are still read
 * by superjson.
 */

type Annotation = ['Date'] | ['undefined'];

class Unsupported extends Error {}
const unsupported = new Unsupported();

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function walk(value: unknown, path: string, values: Record<string, Annotation>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) throw unsupported;
    return value;
  }
  if (value === undefined) {
    values[path] = ['undefined'];
    return null;
  }
  if (typeof value !== 'object') throw unsupported;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw unsupported;
    values[path] = ['Date'];
    return value.toISOString();
  }
  const prefix = path === '' ? '' : `${path}.`;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = walk(value[i], `${prefix}${i}`, values);
    return out;
  }
  if (!isPlainObject(value)) throw unsupported;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key.includes('.') || key.includes('\\') || key === '__proto__') throw unsupported;
    out[key] = walk(value[key], `${prefix}${key}`, values);
  }
  return out;
}

/** `superjson.serialize(value)`, read the same by `superjson.deserialize`, for Lectern's outputs. */
export function serializeOutput(value: unknown): SuperJSONResult {
  // A bare Date or undefined has a differently shaped annotation; superjson writes those.
  if (value instanceof Date || value === undefined) return superjson.serialize(value);
  const values: Record<string, Annotation> = {};
  let json: unknown;
  try {
    json = walk(value, '', values);
  } catch (error) {
    if (error instanceof Unsupported) return superjson.serialize(value);
    throw error;
  }
  for (const _ in values) {
    return { json: json as SuperJSONResult['json'], meta: { values, v: 1 } } as SuperJSONResult;
  }
  return { json: json as SuperJSONResult['json'] };
}

/** The tRPC transformer: superjson both ways, with `serializeOutput` for what the server sends. */
export const wireTransformer = {
  input: superjson,
  output: { serialize: serializeOutput, deserialize: (data: SuperJSONResult) => superjson.deserialize(data) },
};
