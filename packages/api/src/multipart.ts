import type { AnyProcedure } from '@trpc/server';
import { z } from 'zod';
import type { AuthedContext } from './context.ts';
import { type FieldErrors, fail, zodFieldErrors } from './errors.ts';
import { cleanString, scrubString, TEXT_PROBLEM_MESSAGES } from './shared/text.ts';
import type { IncomingFile, StoredUpload, UploadKind } from './shared/uploads.ts';
import type { LecternMeta } from './trpc.ts';

/*
 * Multipart routes: the paths that take files. Each names the procedure that serves the same path for
 * JSON bodies; its multipart text fields are read into that procedure's input shape and validated by
 * the same zod schema, and the OpenAPI document's multipart schema is derived from it too.
 */

/** A parsed multipart body: text fields (repeatable) and file parts (null: sent empty, meaning "remove"). */
export interface MultipartPayload {
  fields: Record<string, string[]>;
  files: Record<string, IncomingFile | null>;
  /** Files of `stream` fields, already in storage (removed by the server if the request fails). */
  uploads?: Record<string, StoredUpload>;
}

export interface FileField {
  description: string;
  required?: boolean;
  /**
   * Stream the file into storage while the body is read (receiveUpload) instead of buffering it:
   * the handler gets it in `uploads`, already checked by its content and stored under `key(uuid, ext)`.
   */
  stream?: { kind: UploadKind; key: (id: string, ext: string) => string };
}

/** A multipart route as a feature declares it. */
export interface MultipartRouteDef<S extends z.ZodObject> {
  method: 'POST' | 'PATCH';
  /** The REST path under /api, as the document writes it: `/posts/{slug}`. */
  path: string;
  /** Serves JSON bodies on the same path, and lends the route its meta (tier, statuses, errors). */
  procedure?: AnyProcedure;
  /** The route's own meta when there is no procedure (a multipart-only path). */
  meta?: LecternMeta & {
    operationId: string;
    summary: string;
    description: string;
    tags: string[];
    /** The component schema of the success answer. */
    responseSchema: string;
  };
  /** The text fields, validated as the JSON door validates them. */
  fields: S;
  files: Record<string, FileField>;
  handle(
    ctx: AuthedContext,
    input: z.output<S>,
    files: Record<string, IncomingFile | null>,
    params: Record<string, string>,
    uploads: Record<string, StoredUpload>,
  ): Promise<unknown>;
}

/** A multipart route as the server runs and documents it. */
export interface MultipartRoute extends Omit<MultipartRouteDef<z.ZodObject>, 'handle'> {
  /** Reads the body (400 on any bad field or file part), then handles it. */
  run(ctx: AuthedContext, payload: MultipartPayload, params: Record<string, string>): Promise<unknown>;
}

export function multipartRoute<S extends z.ZodObject>(def: MultipartRouteDef<S>): MultipartRoute {
  return {
    ...def,
    run(ctx, payload, params) {
      const { input, files } = parseMultipart(def, payload);
      // The client's file name is metadata (a default title): offending characters are dropped.
      const uploads = Object.fromEntries(
        Object.entries(payload.uploads ?? {}).map(([name, upload]) => [
          name,
          { ...upload, originalName: scrubString(upload.originalName) },
        ]),
      );
      return def.handle(ctx, input, files, params, uploads);
    },
  };
}

const MULTIPART_TRUE = new Set(['true', '1', 'on']);
const MULTIPART_FALSE = new Set(['false', '0']);

type Kind = 'boolean' | 'strings' | 'numbers' | 'text';

interface ZodDefLike {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}

const defOf = (schema: z.ZodType) => schema._zod.def as unknown as ZodDefLike;

/** What a schema takes once wrappers (optional, nullable, pipes) are peeled off. */
function kindOf(schema: z.ZodType): Kind {
  const def = defOf(schema);
  if (def.innerType) return kindOf(def.innerType);
  if (def.type === 'pipe' && def.in) return kindOf(def.in);
  if (def.type === 'boolean') return 'boolean';
  if (def.type === 'array' && def.element) {
    const element = defOf(def.element);
    const options = element.options ?? [def.element];
    return options.some(
      (o) => ['number', 'int'].includes(defOf(o).type) || defOf(o).in?._zod.def.type === 'number',
    )
      ? 'numbers'
      : 'strings';
  }
  return 'text';
}

function readList(
  field: string,
  values: string[],
  kind: 'strings' | 'numbers',
  errors: FieldErrors,
): unknown {
  const single = values.length === 1 ? (values[0] ?? '').trim() : undefined;
  if (single === '') return [];
  const example = kind === 'numbers' ? '[1,2]' : '["news","tech"]';
  const hint = `Send ${field} as ${kind === 'numbers' ? 'repeated fields or ' : ''}a JSON list, e.g. ${example}.`;
  if (single?.startsWith('[')) {
    try {
      return JSON.parse(single);
    } catch {
      errors[field] = [hint];
      return undefined;
    }
  }
  if (kind === 'strings') {
    if (single !== undefined) {
      errors[field] = [hint];
      return undefined;
    }
    return values;
  }
  const ids = values.map((v) => v.trim());
  if (!ids.every((v) => /^\d{1,9}$/.test(v))) {
    errors[field] = [hint];
    return undefined;
  }
  return ids.map(Number);
}

/**
 * Reads the text fields into the JSON door's shape (booleans from true/false/1/0/on, lists from one
 * JSON list or repeated fields, text as its last value) and validates them with `schema`: 400 with
 * every field's messages, or the parsed input. Unknown fields are ignored, as JSON's are.
 */
function parseMultipartFields<S extends z.ZodObject>(
  schema: S,
  payload: MultipartPayload,
  errors: FieldErrors = {},
): z.output<S> {
  const raw: Record<string, unknown> = {};
  for (const [name, fieldSchema] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const sent = payload.fields[name];
    if (!sent?.length) continue;
    // The text rule of every input (shared/text.ts), as procedures apply it to JSON.
    const values: string[] = [];
    for (const value of sent) {
      const cleaned = cleanString(value);
      if (cleaned === 'nul' || cleaned === 'surrogate') errors[name] = [TEXT_PROBLEM_MESSAGES[cleaned]];
      else values.push(cleaned);
    }
    if (errors[name]) continue;
    const kind = kindOf(fieldSchema);
    if (kind === 'boolean') {
      const value = values.at(-1)?.trim().toLowerCase() ?? '';
      if (MULTIPART_TRUE.has(value)) raw[name] = true;
      else if (MULTIPART_FALSE.has(value)) raw[name] = false;
      else errors[name] = ['Must be true, false, 1, 0 or on.'];
    } else if (kind === 'text') {
      raw[name] = values.at(-1);
    } else {
      const list = readList(name, values, kind, errors);
      if (list !== undefined) raw[name] = list;
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const [field, messages] of Object.entries(zodFieldErrors(parsed.error))) {
      errors[field] = [...(errors[field] ?? []), ...messages];
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) throw fail.fields(errors);
  return parsed.data;
}

/**
 * A multipart body read for `route`: its text fields validated as the JSON door validates them, and
 * its file parts checked (a required one present, none empty). Every problem of either kind comes
 * back in one 400.
 */
function parseMultipart<S extends z.ZodObject>(
  route: Pick<MultipartRouteDef<S>, 'fields' | 'files'>,
  payload: MultipartPayload,
): { input: z.output<S>; files: Record<string, IncomingFile | null> } {
  const errors: FieldErrors = {};
  const files: Record<string, IncomingFile | null> = {};
  for (const [name, spec] of Object.entries(route.files)) {
    const file = payload.files[name];
    if (spec.stream && payload.uploads?.[name]) continue;
    if (file === undefined || file === null) {
      if (spec.required) errors[name] = ['No file was submitted.'];
      else if (file === null) files[name] = null;
    } else if (file !== null && file.data.length === 0) {
      errors[name] = ['The submitted file is empty.'];
    } else {
      // The client's file name is metadata (a default title): offending characters are dropped.
      files[name] = { ...file, filename: scrubString(file.filename) };
    }
  }
  return { input: parseMultipartFields(route.fields, payload, errors), files };
}

type JsonSchema = Record<string, unknown>;

const MULTIPART_BOOL = { type: 'string', enum: ['true', 'false', '1', '0', 'on'] };

/**
 * A text field's schema. A field that declares its REST shape (an `override` meta, e.g. a date-time
 * whose typed-door schema is a Date) is documented by that shape, as text.
 */
function textProperty(prop: JsonSchema): JsonSchema {
  const { override, anyOf: _anyOf, ...rest } = prop as JsonSchema & { override?: unknown; anyOf?: unknown };
  if (override === null || typeof override !== 'object') return { ...prop, type: 'string' };
  const { type: _type, anyOf: _overrideAnyOf, ...shape } = override as JsonSchema;
  return { ...rest, ...shape, type: 'string' };
}

/**
 * The document's multipart schema of a route, derived from the zod schema that validates its text
 * fields: booleans become their accepted words, lists one JSON string (or repeated fields for ids),
 * and each file field a binary part.
 */
export function multipartSchema(route: Pick<MultipartRoute, 'fields' | 'files'>): JsonSchema {
  const { $schema: _ignored, ...json } = z.toJSONSchema(route.fields, {
    io: 'input',
    unrepresentable: 'any',
  });
  const properties: Record<string, JsonSchema> = {};
  const shape = route.fields.shape as Record<string, z.ZodType>;
  const jsonProps = (json.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, fieldSchema] of Object.entries(shape)) {
    const prop = jsonProps[name] ?? {};
    const description = typeof prop.description === 'string' ? { description: prop.description } : {};
    const kind = kindOf(fieldSchema);
    if (kind === 'boolean') properties[name] = { ...MULTIPART_BOOL, ...description };
    else if (kind === 'strings')
      properties[name] = {
        type: 'string',
        description: `${prop.description ?? ''} A JSON list of strings, e.g. \`["news","tech"]\`.`.trim(),
      };
    else if (kind === 'numbers')
      properties[name] = {
        type: 'array',
        items: { type: 'string' },
        description:
          `${prop.description ?? ''} The field repeated, or one JSON list such as \`[1,2]\`.`.trim(),
      };
    else properties[name] = textProperty(prop);
  }
  for (const [name, file] of Object.entries(route.files)) {
    properties[name] = { type: 'string', format: 'binary', description: file.description };
  }
  const required = [
    ...((json.required as string[] | undefined) ?? []),
    ...Object.entries(route.files)
      .filter(([, f]) => f.required)
      .map(([name]) => name),
  ];
  return { type: 'object', ...(required.length ? { required } : {}), properties };
}
