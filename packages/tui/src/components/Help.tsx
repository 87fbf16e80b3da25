// tsx run from the repo root sees no tsconfig: ask esbuild for the automatic JSX runtime here.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box, Text } from 'ink';
import type { Strings } from '../narration/strings.js';
import { type Binding, PLAYBACK_BINDINGS } from '../state/keymap.js';
import { fit } from './spans.js';

/** The key names as a person types them. */
export function keyLabel(key: string): string {
  const names: Readonly<Record<string, string>> = {
    space: 'space',
    right: '→',
    left: '←',
    up: '↑',
    down: '↓',
    escape: 'esc',
    enter: 'enter',
    tab: 'tab',
    home: 'home',
    end: 'end',
    pageup: 'pgup',
    pagedown: 'pgdn',
  };
  return names[key] ?? key;
}

/** One line per thing a key does; neighbouring bindings that do the same thing share a line (0-9). */
export function helpLines(strings: Strings, bindings: readonly Binding[] = PLAYBACK_BINDINGS): string[] {
  const groups: { help: Binding['help']; keys: string[] }[] = [];
  for (const b of bindings) {
    const last = groups.at(-1);
    if (last !== undefined && last.help === b.help && b.help === 'count') last.keys.push(...b.keys);
    else groups.push({ help: b.help, keys: [...b.keys] });
  }
  return groups.map((g) => {
    const keys = g.help === 'count' ? `${g.keys[0]}-${g.keys.at(-1)}` : g.keys.map(keyLabel).join(' ');
    return `${keys.padEnd(14)} ${strings.help[g.help]}`;
  });
}

/** Every key of the playback keymap, in one or two columns so that it fits `rows`. */
export function Help({ strings, rows, columns }: { strings: Strings; rows: number; columns: number }) {
  const lines = helpLines(strings);
  const perColumn = Math.max(1, rows - 2);
  const twoColumns = lines.length > perColumn;
  const half = twoColumns ? Math.ceil(lines.length / 2) : lines.length;
  const width = twoColumns ? Math.floor(columns / 2) - 1 : columns;
  const col = (part: string[]) => (
    <Box flexDirection="column" width={width}>
      {part.map((l) => (
        <Text key={l} wrap="truncate-end">
          {fit(l, width)}
        </Text>
      ))}
    </Box>
  );
  return (
    <Box flexDirection="column" height={rows}>
      <Text bold>{strings.ui.helpTitle}</Text>
      <Box flexDirection="row">
        {col(lines.slice(0, half))}
        {twoColumns ? col(lines.slice(half)) : null}
      </Box>
    </Box>
  );
}
