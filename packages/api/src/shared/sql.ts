/** A LIKE/ILIKE pattern matching `text` anywhere: `%`, `_` and `\` in it match themselves. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A unique-index violation (SQLSTATE 23505), with the index it hit when the driver says. */
export function uniqueViolation(error: unknown): { where: string } | undefined {
  const e = error as { code?: unknown; constraint?: unknown; detail?: unknown; message?: unknown } | null;
  if (e?.code !== '23505') return undefined;
  return { where: `${String(e.constraint ?? '')} ${String(e.detail ?? '')} ${String(e.message ?? '')}` };
}
