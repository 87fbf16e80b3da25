// tsx run from the repo root sees no tsconfig: ask esbuild for the automatic JSX runtime here.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
/**
 * A line of styled text as data. Panes compute `Span[]` rows with pure functions (easy to test and cheap
 * to diff), and `Lines` draws them, one Ink <Text> per row, truncated to the pane's width.
 */
import { Box, Text } from 'ink';
import { memo, type ReactNode } from 'react';

export type Color = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | 'gray';

export interface Span {
  readonly text: string;
  readonly color?: Color;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
}

export type Row = readonly Span[];

export function span(text: string, style: Omit<Span, 'text'> = {}): Span {
  return { text, ...style };
}

export function rowText(row: Row): string {
  return row.map((s) => s.text).join('');
}

/**
 * Cuts a string to `width` columns, marking the cut with '~'. Panes keep to ASCII where they can: Ink
 * measures any line holding a non-ASCII character grapheme by grapheme, on every frame.
 */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}~`;
}

function styled(s: Span): boolean {
  return s.color !== undefined || s.bold === true || s.dim === true || s.inverse === true;
}

/**
 * Children of a row's <Text>: runs of unstyled spans as one plain string (a bare text node, no element
 * of its own), each styled span as a nested <Text>. Empty spans draw nothing and are left out.
 */
function rowChildren(row: Row): ReactNode[] {
  const out: ReactNode[] = [];
  let plain = '';
  for (const s of row) {
    if (s.text === '') continue;
    if (!styled(s)) {
      plain += s.text;
      continue;
    }
    if (plain !== '') out.push(plain);
    plain = '';
    out.push(
      <Text
        // Children of a row never reorder: the position is a stable key.
        key={out.length}
        {...(s.color === undefined ? {} : { color: s.color })}
        bold={s.bold ?? false}
        dimColor={s.dim ?? false}
        inverse={s.inverse ?? false}
      >
        {s.text}
      </Text>,
    );
  }
  if (plain !== '') out.push(plain);
  return out;
}

function sameRow(a: Row, b: Row): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (
      x === undefined ||
      y === undefined ||
      x.text !== y.text ||
      x.color !== y.color ||
      x.bold !== y.bold ||
      x.dim !== y.dim ||
      x.inverse !== y.inverse
    )
      return false;
  }
  return true;
}

/** One row; rows are rebuilt as fresh arrays every frame, so an unchanged row is found by value. */
export const Line = memo(
  function Line({ row }: { readonly row: Row }) {
    return <Text wrap="truncate-end">{rowChildren(row)}</Text>;
  },
  (a, b) => sameRow(a.row, b.row),
);

export function Lines({ rows, width }: { readonly rows: readonly Row[]; readonly width?: number }) {
  return (
    <Box flexDirection="column" {...(width === undefined ? {} : { width })}>
      {rows.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions on screen
        <Line key={i} row={row} />
      ))}
    </Box>
  );
}
