/**
 * One rule for the text of every input, applied before any schema sees it (procedures: a middleware of
 * every tier; multipart routes: before their fields are validated):
 * - NUL (U+0000), which PostgreSQL cannot store, is refused: 400 on the field (404 for a path slug);
 * - unpaired UTF-16 surrogates, which have no UTF-8 form, are refused the same way;
 * - the other C0 control characters and DEL (all but tab, line feed and carriage return) are removed —
 *   they come from pasted text far more often than from intent, and are invisible;
 * - objects and arrays nested deeper than MAX_INPUT_DEPTH are refused before they are walked.
 * The README ("Input rules") documents it.
 */

/** How deep objects and arrays may nest in any input (the API's own inputs need 3). */
export const MAX_INPUT_DEPTH = 32;

const NUL = '\u0000';
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this rule's purpose
const STRIPPED_CONTROLS = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type TextProblem = 'nul' | 'surrogate' | 'depth';

export const TEXT_PROBLEM_MESSAGES: Record<TextProblem, string> = {
  nul: 'Null characters are not allowed.',
  surrogate: 'Invalid text: an unpaired surrogate (not valid Unicode).',
  depth: `Nested deeper than ${MAX_INPUT_DEPTH} levels.`,
};

export class TextError extends Error {
  constructor(
    readonly problem: TextProblem,
    /** The path of the value inside the input: its first element names the top-level field. */
    readonly path: ReadonlyArray<string | number>,
  ) {
    super(TEXT_PROBLEM_MESSAGES[problem]);
  }
}

/** One string under the rule: the cleaned text, or the problem that refuses it. */
export function cleanString(text: string): string | TextProblem {
  if (text.includes(NUL)) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'surrogate';
  return STRIPPED_CONTROLS.test(text) ? text.replace(STRIPPED_CONTROLS, '') : text;
}

/** Text that is metadata rather than input (a file's original name): every offending character dropped. */
export function scrubString(text: string): string {
  return text
    .replaceAll(NUL, '')
    .replace(STRIPPED_CONTROLS, '')
    .replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with every string (and object key) under the rule; throws TextError with the path
 * of the first refused value. Values other than strings, arrays and plain objects pass as they are.
 */
export function cleanInput(value: unknown, path: Array<string | number> = []): unknown {
  if (typeof value === 'string') {
    const cleaned = cleanString(value);
    if (cleaned === 'nul' || cleaned === 'surrogate') throw new TextError(cleaned, path);
    return cleaned;
  }
  if (!Array.isArray(value) && !isPlainObject(value)) return value;
  if (path.length >= MAX_INPUT_DEPTH) throw new TextError('depth', path);
  if (Array.isArray(value)) return value.map((item, i) => cleanInput(item, [...path, i]));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const cleanKey = cleanString(key);
    // A refused key is reported on its parent: the key itself is not a field name to echo back.
    if (cleanKey === 'nul' || cleanKey === 'surrogate') throw new TextError(cleanKey, path);
    copy[cleanKey] = cleanInput(item, [...path, key]);
  }
  return copy;
}
