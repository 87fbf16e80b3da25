/**
 * How the screen is divided for a terminal size. The frame is always kept at least one row shorter
 * than the terminal: Ink clears the whole screen (scrollback included) on every render when the frame
 * is as tall as the terminal (ink issues 935, 990).
 */
import type { Pane } from './state/player.js';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;
/** The state diagram's size: the RFC figure (15 rows) plus one legend row per endpoint. */
export const DIAGRAM_ROWS = 17;
export const DIAGRAM_COLUMNS = 64;
const NARRATION_ROWS = 2;
const ENDPOINT_ROWS = 5;
const MIN_LADDER_ROWS = 3;

export interface Layout {
  readonly tooSmall: boolean;
  readonly width: number;
  /** Rows the frame may use: the terminal's rows minus one. */
  readonly height: number;
  /** Endpoint panels beside the side pane (wide) or in a row of their own (narrow). */
  readonly wide: boolean;
  readonly endpointColumns: number;
  readonly endpointRows: number;
  /** Rows each endpoint panel gets (title, TCB, timers; fewer on short terminals). */
  readonly rowsPerEndpoint: number;
  readonly endpointsSideBySide: boolean;
  readonly side: 'diagram' | 'inspector' | 'none';
  readonly sideRows: number;
  readonly sideColumns: number;
  readonly ladderRows: number;
  readonly narrationRows: number;
}

export function layoutFor(columns: number, rows: number, pane: Pane): Layout {
  const height = rows - 1;
  const base = { width: columns, height, narrationRows: NARRATION_ROWS };
  if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
    return {
      ...base,
      tooSmall: true,
      wide: false,
      endpointColumns: columns,
      endpointRows: 0,
      rowsPerEndpoint: 0,
      endpointsSideBySide: false,
      side: 'none',
      sideRows: 0,
      sideColumns: 0,
      ladderRows: 0,
    };
  }
  // header + narration + footer
  const chrome = 1 + NARRATION_ROWS + 1;
  if (columns >= 112 && rows >= 36) {
    // Endpoints stacked on the left, the diagram or the inspector on the right, the ladder below.
    return {
      ...base,
      tooSmall: false,
      wide: true,
      endpointColumns: columns - DIAGRAM_COLUMNS - 1,
      endpointRows: DIAGRAM_ROWS,
      rowsPerEndpoint: Math.floor(DIAGRAM_ROWS / 2),
      endpointsSideBySide: false,
      side: pane,
      sideRows: DIAGRAM_ROWS,
      sideColumns: DIAGRAM_COLUMNS,
      ladderRows: height - chrome - DIAGRAM_ROWS,
    };
  }
  const sideBySide = columns >= 80;
  // Stacked endpoints shrink on short terminals so that the ladder keeps at least three rows.
  const room = height - chrome - MIN_LADDER_ROWS;
  const rowsPerEndpoint = sideBySide
    ? ENDPOINT_ROWS
    : Math.max(1, Math.min(ENDPOINT_ROWS, Math.floor(room / 2)));
  const endpointRows = sideBySide ? rowsPerEndpoint : 2 * rowsPerEndpoint;
  const rest = height - chrome - endpointRows;
  let side: Layout['side'] = 'none';
  let sideRows = 0;
  if (pane === 'inspector') {
    side = 'inspector';
    sideRows = Math.max(0, Math.min(12, Math.floor(rest / 2), rest - MIN_LADDER_ROWS));
  } else if (rest - DIAGRAM_ROWS >= 6 && columns >= DIAGRAM_COLUMNS) {
    side = 'diagram';
    sideRows = DIAGRAM_ROWS;
  }
  return {
    ...base,
    tooSmall: false,
    wide: false,
    endpointColumns: sideBySide ? Math.floor(columns / 2) : columns,
    endpointRows,
    rowsPerEndpoint,
    endpointsSideBySide: sideBySide,
    side,
    sideRows,
    sideColumns: columns,
    ladderRows: Math.max(MIN_LADDER_ROWS, rest - sideRows),
  };
}
