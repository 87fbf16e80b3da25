// tsx run from the repo root sees no tsconfig: ask esbuild for the automatic JSX runtime here.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box, Text } from 'ink';
import type { Strings } from '../narration/strings.js';
import { windowStart } from './ladder.js';
import { fit } from './spans.js';

export interface ScenarioEntry {
  readonly name: string;
  readonly title: string;
}

export function Picker(props: {
  scenarios: readonly ScenarioEntry[];
  index: number;
  current: string;
  strings: Strings;
  rows: number;
  columns: number;
}) {
  const body = Math.max(1, props.rows - 2);
  const start = windowStart(props.scenarios.length, body, props.index);
  return (
    <Box flexDirection="column" height={props.rows}>
      <Text bold>
        {props.strings.ui.pickerTitle} <Text dimColor>{props.strings.ui.pickerHint}</Text>
      </Text>
      {props.scenarios.slice(start, start + body).map((s, i) => {
        const chosen = start + i === props.index;
        const mark = s.name === props.current ? '•' : ' ';
        return (
          <Text key={s.name} inverse={chosen} wrap="truncate-end">
            {fit(`${chosen ? '▸' : ' '}${mark} ${s.name.padEnd(24)} ${s.title}`, props.columns)}
          </Text>
        );
      })}
    </Box>
  );
}
