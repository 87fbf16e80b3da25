// tsx run from the repo root sees no tsconfig: ask esbuild for the automatic JSX runtime here.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import type { ArrowView } from '../model.js';
import { type Arrivals, type LadderLayout, ladderRows } from './ladder.js';
import { Lines } from './spans.js';

export interface LadderProps extends LadderLayout {
  readonly arrows: readonly ArrowView[];
  readonly time: number;
  readonly selected: number | undefined;
  readonly arrivals?: Arrivals;
}

export function Ladder({ arrows, time, selected, arrivals, ...layout }: LadderProps) {
  return <Lines rows={ladderRows(arrows, time, selected, layout, arrivals)} width={layout.width} />;
}
