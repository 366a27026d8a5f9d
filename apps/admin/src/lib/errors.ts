import type { FieldErrors } from '@lectern/sdk';
import { LecternError } from './sdk.ts';

/** The sentence a person should read for an error, by what the server answered. */
export function describeError(error: unknown): string {
  const e = LecternError.from(error);
  switch (e.status) {
    case 0:
      return e.code === 'ABORTED' ? 'Cancelled.' : 'The server could not be reached. Check your connection.';
    case 401:
      return e.code === 'INVALID_CREDENTIALS' ? e.message : 'Your session has ended: sign in again.';
    case 403:
      return e.code === 'PERMISSION_DENIED' ? `Not allowed: ${e.message}` : e.message;
    case 404:
      return 'Not found: it may have been deleted.';
    case 429:
      return `${e.message} Try again ${retryText(e.retryAfter)}.`;
    case 503:
      return 'The site is under maintenance. Please try again later.';
    default:
      if (e.status >= 500) return 'The server failed to answer. Try again in a moment.';
      return e.message;
  }
}

export function retryText(seconds: number | null): string {
  if (seconds === null) return 'later';
  if (seconds < 90) return `in ${seconds} s`;
  return `in ${Math.ceil(seconds / 60)} min`;
}

/** A 400's messages, one string per field (for Mantine's form errors); `non_field_errors` apart. */
export function fieldErrors(error: unknown): { fields: Record<string, string>; other: string[] } {
  const e = LecternError.from(error);
  const fields: Record<string, string> = {};
  const other: string[] = [];
  const map: FieldErrors = e.fields ?? {};
  for (const [name, messages] of Object.entries(map)) {
    if (name === 'non_field_errors' || name === 'detail') other.push(...messages);
    else fields[name] = messages.join(' ');
  }
  return { fields, other };
}
