import { Group, Pagination, Select, Text } from '@mantine/core';
import { PAGE_SIZES } from '../lib/search.ts';

/** Page numbers and page size of a server-paged list. */
export function Pager(props: {
  count: number;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
  label: string;
}) {
  const pages = Math.max(1, Math.ceil(props.count / props.pageSize));
  const first = props.count === 0 ? 0 : (props.page - 1) * props.pageSize + 1;
  const last = Math.min(props.count, props.page * props.pageSize);
  return (
    <Group justify="space-between" wrap="wrap" gap="sm">
      <Text size="sm" c="dimmed" aria-live="polite">
        {first}–{last} of {props.count.toLocaleString('en')} {props.label}
      </Text>
      <Group gap="sm">
        <Pagination
          total={pages}
          value={Math.min(props.page, pages)}
          onChange={props.onPage}
          siblings={1}
          boundaries={1}
          size="sm"
          getControlProps={(control) => ({ 'aria-label': `${control} page` })}
          getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
        />
        <Select
          aria-label="Rows per page"
          size="xs"
          w={110}
          data={PAGE_SIZES.map((size) => ({ value: String(size), label: `${size} / page` }))}
          value={String(props.pageSize)}
          onChange={(value) => value && props.onPageSize(Number(value))}
          allowDeselect={false}
        />
      </Group>
    </Group>
  );
}
