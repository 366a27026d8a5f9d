const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

export const formatDate = (date: Date | null) => (date ? dateFormat.format(date) : '—');

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The browser's time zone (IANA name, e.g. Europe/Paris): times are entered and shown in it. */
export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';

/** A date in the browser's time zone, with the zone named: "24 Dec 2026, 09:00 (Europe/Paris)". */
export const formatDateWithZone = (date: Date) => `${dateFormat.format(date)} (${localTimeZone()})`;
