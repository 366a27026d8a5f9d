import { Alert, Button, Code, CopyButton, Group, Stack } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A secret the server shows this once (a content key, a webhook signing secret): the value, a copy
 * button, and a plain warning that it will not be shown again.
 */
export function ShownOnce({
  value,
  what,
  ifLost,
  children,
  onDone,
}: {
  value: string;
  /** "key", "secret": used in the sentences. */
  what: string;
  /** What to do if it is lost. */
  ifLost: string;
  children?: ReactNode;
  onDone: () => void;
}) {
  return (
    <Stack>
      <Alert color="orange" title="Copy it now" role="status">
        This is the only time the {what} is shown: you will not see it again. {ifLost}
      </Alert>
      {children}
      <Code block data-testid="shown-once" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
        {value}
      </Code>
      <Group justify="space-between">
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button variant="light" color={copied ? 'teal' : 'blue'} onClick={copy}>
              {copied ? 'Copied' : `Copy the ${what}`}
            </Button>
          )}
        </CopyButton>
        <Button onClick={onDone}>Done, I have copied it</Button>
      </Group>
    </Stack>
  );
}
