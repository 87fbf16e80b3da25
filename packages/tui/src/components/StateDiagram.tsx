// tsx run from the repo root sees no tsconfig: ask esbuild for the automatic JSX runtime here.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Lines } from './spans.js';
import { type DiagramMark, diagramRows } from './state-diagram.js';

export interface StateDiagramProps {
  readonly marks: readonly DiagramMark[];
  readonly lastWord: string;
}

export function StateDiagram({ marks, lastWord }: StateDiagramProps) {
  return <Lines rows={diagramRows(marks, lastWord)} />;
}
