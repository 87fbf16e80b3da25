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

const ELLIPSIS = '\u2026';
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The row Ink's `truncate-end` would draw at `width` columns, cut here instead: the first `width - 1`
 * columns and an ellipsis in the style of the last character kept. Ink cuts a too-wide line with
 * slice-ansi and measures it grapheme by grapheme on every frame; the cells on screen are the same.
 * Only printable ASCII rows are cut here (one column per character); any other row is left to Ink, as
 * is a width under 2 (Ink then draws a bare ellipsis) and a span both bold and dim (both end with the
 * same code, and slice-ansi drops the bold at the cut: left to Ink, the row draws as it always did).
 */
export function truncateEnd(row: Row, width: number): Row {
  if (width < 2) return row;
  let columns = 0;
  for (const s of row) {
    if (!PRINTABLE_ASCII.test(s.text) || (s.bold === true && s.dim === true)) return row;
    columns += s.text.length;
  }
  if (columns <= width) return row;
  const out: Span[] = [];
  let room = width - 1;
  for (const s of row) {
    if (room === 0) break;
    if (s.text === '') continue;
    const text = s.text.slice(0, room);
    room -= text.length;
    out.push({ ...s, text });
  }
  const last = out.at(-1);
  if (last !== undefined) out[out.length - 1] = { ...last, text: last.text + ELLIPSIS };
  return out;
}

/** One row; rows are rebuilt as fresh arrays every frame, so an unchanged row is found by value. */
export const Line = memo(
  function Line({ row, width }: { readonly row: Row; readonly width?: number | undefined }) {
    const drawn = width === undefined ? row : truncateEnd(row, width);
    return <Text wrap="truncate-end">{rowChildren(drawn)}</Text>;
  },
  (a, b) => a.width === b.width && sameRow(a.row, b.row),
);

export function Lines({ rows, width }: { readonly rows: readonly Row[]; readonly width?: number }) {
  return (
    <Box flexDirection="column" {...(width === undefined ? {} : { width })}>
      {rows.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions on screen
        <Line key={i} row={row} width={width} />
      ))}
    </Box>
  );
}
