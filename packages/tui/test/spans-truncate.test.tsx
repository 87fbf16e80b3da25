import fc from 'fast-check';
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Color, Lines, type Row, type Span, truncateEnd } from '../src/components/spans.js';
import { colourInk } from './ink-internals.js';

let uncolour: () => void = () => {};
beforeAll(async () => {
  uncolour = await colourInk();
});
afterAll(() => uncolour());

const frameOf = (el: ReactElement) => {
  const r = render(el);
  const out = r.lastFrame() ?? '';
  r.unmount();
  return out;
};

/** The row as Ink gets it with no help: one <Text> per span, Ink's own truncate-end cutting it. */
function inkCut(rows: readonly Row[], width: number) {
  return (
    <Box flexDirection="column" width={width}>
      {rows.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions
        <Text key={i} wrap="truncate-end">
          {row.map((s, j) => (
            <Text
              // biome-ignore lint/suspicious/noArrayIndexKey: spans are positions
              key={j}
              {...(s.color === undefined ? {} : { color: s.color })}
              bold={s.bold ?? false}
              dimColor={s.dim ?? false}
              inverse={s.inverse ?? false}
            >
              {s.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}

const colors: Color[] = ['red', 'green', 'cyan', 'gray'];
const spanArb: fc.Arbitrary<Span> = fc.record(
  {
    text: fc.stringMatching(/^[ a-z0-9|>-]{0,12}$/),
    color: fc.constantFrom(...colors),
    bold: fc.boolean(),
    dim: fc.boolean(),
    inverse: fc.boolean(),
  },
  { requiredKeys: ['text'] },
);
const rowArb = fc.array(spanArb, { maxLength: 6 });

describe('Lines cut a too-wide row themselves, to the cells Ink would draw', () => {
  it('any rows of printable ASCII at any width: the same frame as Ink truncating them', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 40 }),
        (rows, width) => {
          expect(frameOf(<Lines rows={rows} width={width} />)).toBe(frameOf(inkCut(rows, width)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a row wider than its width keeps width - 1 columns and an ellipsis in the last kept style', () => {
    const row: Row = [{ text: 'SND.UNA ' }, { text: '1048744', color: 'cyan' }, { text: ' more' }];
    // Through Ink, with colour on: the ellipsis is cyan like the digit before it.
    expect(frameOf(<Lines rows={[row]} width={10} />)).toBe('SND.UNA \x1b[36m1\u2026\x1b[39m');
    expect(truncateEnd(row, 10)).toEqual([{ text: 'SND.UNA ' }, { text: '1\u2026', color: 'cyan' }]);
    expect(truncateEnd(row, 8)).toEqual([{ text: 'SND.UNA\u2026' }]);
    // Fits: the same row back.
    expect(truncateEnd(row, 20)).toBe(row);
  });

  it('rows that are not ASCII, widths under 2, and bold with dim are left to Ink', () => {
    const wide: Row = [{ text: '\u65e0\u8ba1\u65f6\u5668 running timers' }];
    expect(truncateEnd(wide, 5)).toBe(wide);
    const row: Row = [{ text: 'abcdef', bold: true }];
    expect(truncateEnd(row, 1)).toBe(row);
    // Bold and dim together: Ink's cut loses the bold, and that is kept as it was.
    const both: Row = [{ text: 'abcdef', bold: true, dim: true }];
    expect(truncateEnd(both, 3)).toBe(both);
    expect(frameOf(<Lines rows={[both]} width={3} />)).toBe(frameOf(inkCut([both], 3)));
    expect(frameOf(<Lines rows={[wide, row]} width={5} />)).toBe(frameOf(inkCut([wide, row], 5)));
  });
});
