// tsx run from the repo root sees no tsconfig: ask esbuild for the automatic JSX runtime here.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
/**
 * A line of styled text as data. Panes compute `Span[]` rows with pure functions (easy to test and cheap
 * to diff), and `Lines` draws them, one Ink <Text> per row, truncated to the pane's width.
 */
import { Box, Text } from 'ink';

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

export function Line({ row }: { readonly row: Row }) {
  return (
    <Text wrap="truncate-end">
      {row.map((s, i) => (
        <Text
          // Spans of a row never reorder, so the index is a stable key.
          // biome-ignore lint/suspicious/noArrayIndexKey: positional spans
          key={i}
          {...(s.color === undefined ? {} : { color: s.color })}
          bold={s.bold ?? false}
          dimColor={s.dim ?? false}
          inverse={s.inverse ?? false}
        >
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

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
