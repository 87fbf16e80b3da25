import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIAGRAM_ROWS, layoutFor, MIN_COLUMNS, MIN_ROWS } from '../src/layout.js';

/** Rows the main screen uses: header, endpoints, side pane (when stacked), ladder, narration, footer. */
function used(l: ReturnType<typeof layoutFor>): number {
  const side = l.wide ? 0 : l.sideRows;
  return 1 + l.endpointRows + side + l.ladderRows + l.narrationRows + 1;
}

describe('layout adapts to the terminal and stays shorter than it (Ink clears the screen otherwise)', () => {
  it.each([
    [80, 24, 'diagram', { wide: false, side: 'none', endpointsSideBySide: true }],
    [80, 24, 'inspector', { wide: false, side: 'inspector' }],
    [100, 40, 'diagram', { wide: false, side: 'diagram', sideRows: DIAGRAM_ROWS }],
    [120, 40, 'diagram', { wide: true, side: 'diagram' }],
    [120, 40, 'inspector', { wide: true, side: 'inspector' }],
    [70, 30, 'diagram', { endpointsSideBySide: false }],
  ] as const)('%ix%i with the %s pane', (columns, rows, pane, expected) => {
    const l = layoutFor(columns, rows, pane);
    expect(l).toMatchObject({ tooSmall: false, ...expected });
    expect(used(l)).toBeLessThanOrEqual(rows - 1);
    expect(l.ladderRows).toBeGreaterThanOrEqual(3);
  });

  it('below the minimum size it says the terminal is too small', () => {
    expect(layoutFor(MIN_COLUMNS - 1, 40, 'diagram').tooSmall).toBe(true);
    expect(layoutFor(120, MIN_ROWS - 1, 'diagram').tooSmall).toBe(true);
  });

  it('property: for every usable size and pane, the frame fits in rows - 1 and the ladder keeps 3 rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_COLUMNS, max: 300 }),
        fc.integer({ min: MIN_ROWS, max: 120 }),
        fc.constantFrom('diagram', 'inspector'),
        (columns, rows, pane) => {
          const l = layoutFor(columns, rows, pane);
          expect(used(l)).toBeLessThanOrEqual(rows - 1);
          expect(l.ladderRows).toBeGreaterThanOrEqual(3);
        },
      ),
    );
  });
});
