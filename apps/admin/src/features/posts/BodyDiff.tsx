/**
 * A word-level diff of two post bodies (the `diff` package, loaded lazily with this component).
 * Bodies are HTML: they are compared as the text a reader sees, one line per block. Insertions and
 * deletions are <ins>/<del> with words for screen readers and underline / strike-through for
 * everyone, never colour alone.
 */
import { Box, Text, VisuallyHidden } from '@mantine/core';
import { diffWords } from 'diff';
import { useMemo } from 'react';

const BLOCKS = new Set([
  'P',
  'DIV',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'LI',
  'BLOCKQUOTE',
  'PRE',
  'TR',
  'FIGURE',
  'HR',
]);

/** The text of an HTML body, a line per block (paragraph, heading, list item…). */
export function bodyText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const out: string[] = [];
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      out.push(node.textContent ?? '');
      return;
    }
    if (!(node instanceof Element)) return;
    if (node.tagName === 'BR') {
      out.push('\n');
      return;
    }
    for (const child of node.childNodes) walk(child);
    if (BLOCKS.has(node.tagName)) out.push('\n');
  };
  walk(doc.body);
  return out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

const insStyle = {
  backgroundColor: 'var(--mantine-color-green-2)',
  color: 'var(--mantine-color-text)',
  textDecoration: 'underline',
} as const;
const delStyle = {
  backgroundColor: 'var(--mantine-color-red-2)',
  color: 'var(--mantine-color-text)',
  textDecoration: 'line-through',
} as const;

/** Shows how `from` became `to`, word by word, with a one-line summary above. */
export default function BodyDiff({ from, to }: { from: string; to: string }) {
  const parts = useMemo(() => diffWords(bodyText(from), bodyText(to)), [from, to]);
  let added = 0;
  let removed = 0;
  for (const part of parts) {
    if (part.added) added += countWords(part.value);
    else if (part.removed) removed += countWords(part.value);
  }
  return (
    <>
      <Text size="sm" data-testid="diff-summary" aria-live="polite">
        {added === 0 && removed === 0
          ? 'The body text is the same.'
          : `${added} word${added === 1 ? '' : 's'} added, ${removed} word${removed === 1 ? '' : 's'} removed.`}
      </Text>
      <Box
        data-testid="body-diff"
        p="sm"
        bd="1px solid var(--mantine-color-gray-4)"
        style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', borderRadius: 4, lineHeight: 1.6 }}
      >
        {parts.map((part, i) =>
          part.added ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts are a fixed list, rebuilt whole.
            <ins key={i} style={insStyle}>
              <VisuallyHidden>[added: </VisuallyHidden>
              {part.value}
              <VisuallyHidden>]</VisuallyHidden>
            </ins>
          ) : part.removed ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts are a fixed list, rebuilt whole.
            <del key={i} style={delStyle}>
              <VisuallyHidden>[removed: </VisuallyHidden>
              {part.value}
              <VisuallyHidden>]</VisuallyHidden>
            </del>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts are a fixed list, rebuilt whole.
            <span key={i}>{part.value}</span>
          ),
        )}
      </Box>
    </>
  );
}
