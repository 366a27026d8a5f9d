import { Badge } from '@mantine/core';
import { formatDateWithZone } from '../../lib/format.ts';

/** "Scheduled for …" on a draft the scheduler will publish; nothing otherwise. Words, not colour alone. */
export function ScheduleBadge({ publishAt, size }: { publishAt: Date | null; size?: 'sm' | 'md' }) {
  if (!publishAt) return null;
  return (
    <Badge color="violet" variant="light" size={size ?? 'sm'} tt="none" data-testid="scheduled-badge">
      Scheduled for {formatDateWithZone(publishAt)}
    </Badge>
  );
}
