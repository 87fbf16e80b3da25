/**
 * Our patch of Ink 6.8.0 (patches/ink@6.8.0.patch) keeps Ink's line caches across frames and turns
 * lines into cells and cells into rows faster. It must not change a single byte that Ink writes, and
 * its caches must stay bounded. These tests check both against references built here from
 * @alcalzone/ansi-tokenize's own functions (what unpatched Ink calls for every line, every frame).
 */
import fc from 'fast-check';
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Lines, type Row, span } from '../src/components/spans.js';
import { colourInk, importNextToInk } from './ink-internals.js';

interface Cell {
  readonly value: string;
  readonly fullWidth: boolean;
  readonly styles: readonly unknown[];
}
interface GenerationCache {
  limit: number;
  readonly size: number;
}
interface OutputModule {
  default: new (size: {
    width: number;
    height: number;
  }) => {
    write(x: number, y: number, text: string, options: { transformers: [] }): void;
    get(): { output: string; height: number };
  };
  sharedCaches: {
    readonly styledChars: GenerationCache;
    readonly widths: GenerationCache;
    readonly blockWidths: GenerationCache;
    readonly size: number;
    clear(): void;
  };
}
interface Tokenizer {
  tokenize(line: string): unknown[];
  styledCharsFromTokens(tokens: unknown[]): Cell[];
  styledCharsToString(cells: readonly Cell[]): string;
}

let ink: OutputModule;
let ansi: Tokenizer;
let uncolour: () => void = () => {};
beforeAll(async () => {
  ink = (await importNextToInk('./output.js')) as OutputModule;
  ansi = (await importNextToInk('../../@alcalzone/ansi-tokenize/build/index.js')) as Tokenizer;
  uncolour = await colourInk();
});
afterAll(() => uncolour());

const LIMIT = 32_768;
afterEach(() => {
  for (const c of [ink.sharedCaches.styledChars, ink.sharedCaches.widths, ink.sharedCaches.blockWidths])
    c.limit = LIMIT;
});

/**
 * What unpatched Ink draws for lines written at (x, y) without clipping: a blank grid, each line's
 * cells from a fresh tokenize, a wide character covering the cell after it, every row serialized by
 * the library and trimmed at the end.
 */
function reference(width: number, height: number, writes: readonly (readonly [number, number, string])[]) {
  const blank: Cell = { value: ' ', fullWidth: false, styles: [] };
  const grid: (Cell | undefined)[][] = Array.from({ length: height }, () => Array(width).fill(blank));
  for (const [x, y, line] of writes) {
    const row = grid[y];
    if (row === undefined) continue;
    let at = x;
    for (const cell of ansi.styledCharsFromTokens(ansi.tokenize(line))) {
      row[at] = cell;
      if (cell.fullWidth) row[at + 1] = { value: '', fullWidth: false, styles: cell.styles };
      at += cell.fullWidth ? 2 : 1;
    }
  }
  return grid.map((row) => ansi.styledCharsToString(row.filter((c) => c !== undefined)).trimEnd()).join('\n');
}

function draw(width: number, height: number, writes: readonly (readonly [number, number, string])[]) {
  const out = new ink.default({ width, height });
  for (const [x, y, line] of writes) out.write(x, y, line, { transformers: [] });
  return out.get().output;
}

const SGR = ['\x1b[31m', '\x1b[39m', '\x1b[1m', '\x1b[22m', '\x1b[2m', '\x1b[7m', '\x1b[27m', '\x1b[0m'];
const MORE_SGR = ['\x1b[m', '\x1b[1;35m', '\x1b[38;5;200m', '\x1b[38;2;1;2;3m', '\x1b[48;5;3m', '\x1b[4m'];
// Printable ASCII (the fast path), and what must take ansi-tokenize's path: a wide character, an
// accented letter, a broken escape, a cursor code, a hyperlink.
const ODD = ['\u754c', '\u00e9', '\x1b[31', '\x1b[?25h', '\x1b]8;;http://x\x07', '\x1b]8;;\x07'];
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', ' ', '-', '>', '|', '~', 'X', '0', '=', '\u2026') },
  { weight: 3, arbitrary: fc.constantFrom(...SGR, ...MORE_SGR) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD) },
);
const line = fc.array(piece, { maxLength: 24 }).map((p) => p.join(''));
const WIDTH = 30;
const HEIGHT = 4;
const frame = fc.array(fc.tuple(fc.nat(WIDTH - 1), fc.nat(HEIGHT - 1), line), { maxLength: 6 });

describe('Ink output patch: the same bytes as unpatched Ink', () => {
  it('every frame of a sequence equals a fresh, uncached rendering, with caches warm from the frames before', () => {
    fc.assert(
      fc.property(
        fc.array(frame, { minLength: 1, maxLength: 8 }),
        // A small cache limit makes lines move between generations and fall out in the middle.
        fc.constantFrom(LIMIT, 64, 8),
        (frames, limit) => {
          ink.sharedCaches.styledChars.limit = limit;
          ink.sharedCaches.widths.limit = limit;
          for (const writes of frames)
            expect(draw(WIDTH, HEIGHT, writes)).toBe(reference(WIDTH, HEIGHT, writes));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('A, B, then A with one cell changed: the third frame is byte for byte a cold render of it', () => {
    const a = [
      [0, 0, '\x1b[1mclient\x1b[22m   server'],
      [2, 1, '\x1b[36m---->\x1b[39m SYN seq=0'],
      [0, 2, '\x1b[7mselected\x1b[27m row'],
    ] as const;
    const b = [[0, 0, 'something else entirely'] as const, [1, 3, '\x1b[31mLOST\x1b[39m'] as const];
    // One cell differs from A: the arrow's head is a different character.
    const a2 = [a[0], [2, 1, '\x1b[36m----X\x1b[39m SYN seq=0'] as const, a[2]];
    ink.sharedCaches.clear();
    const warm = [draw(40, 4, a), draw(40, 4, b), draw(40, 4, a2)];
    ink.sharedCaches.clear();
    const cold = draw(40, 4, a2);
    expect(warm[2]).toBe(cold);
    expect(warm[2]).toBe(reference(40, 4, a2));
    expect(warm[2]).not.toBe(warm[0]);
    expect(warm[0]).toBe(reference(40, 4, a));
    expect(warm[1]).toBe(reference(40, 4, b));
  });

  it('through Ink and React: styled rows drawn after other frames equal the same rows drawn first', () => {
    const rows = (head: string, marked: boolean): Row[] => [
      [span('   10.000', { dim: true }), span(marked ? '>' : ' ', { bold: true }), span('|')],
      [span(`|--${head}|`, { color: 'cyan' }), span(' RTX ', { color: 'yellow', bold: true })],
      [span('seq=1 ack=1 len=25', { inverse: marked }), span(' \u754c wide')],
    ];
    const screen = (r: Row[]): ReactElement => (
      <Box flexDirection="column" width={40} height={5} overflowY="hidden">
        <Lines rows={r} width={30} />
        <Text color="green">footer</Text>
      </Box>
    );
    ink.sharedCaches.clear();
    const ui = render(screen(rows('>', true)));
    ui.rerender(screen(rows('X', false)));
    ui.rerender(screen(rows('>', false)));
    const warm = ui.lastFrame();
    ui.unmount();
    ink.sharedCaches.clear();
    const fresh = render(screen(rows('>', false)));
    expect(warm).toBe(fresh.lastFrame());
    fresh.unmount();
    // Styles really are drawn (escape codes in the frame), and the changed cell is there.
    expect(warm).toContain('\x1b[36m|-->|');
    expect(warm).not.toContain('\x1b[7m');
    // And the caches were really used by Ink's render (the test is not looking at a different copy).
    expect(ink.sharedCaches.styledChars.size).toBeGreaterThan(0);
  });
});

describe('Ink output patch: bounded caches', () => {
  it('10,000 distinct lines leave at most two generations of keys in each cache', () => {
    ink.sharedCaches.clear();
    const length = 100;
    for (let i = 0; i < 10_000; i++) {
      // Every line differs, and every tenth is not ASCII (the tokenizer's path).
      const text = `${i} ${i % 10 === 0 ? '\u00e9' : 'e'} `.padEnd(length, 'x');
      draw(120, 1, [[0, 0, `\x1b[3${i % 8}m${text}\x1b[39m`]]);
    }
    // A generation holds keys until they reach the limit, so one more key can push it past by its length.
    const bound = 2 * (LIMIT + length + 20);
    expect(ink.sharedCaches.styledChars.size).toBeLessThanOrEqual(bound);
    expect(ink.sharedCaches.widths.size).toBeLessThanOrEqual(bound);
    expect(ink.sharedCaches.size).toBeLessThanOrEqual(3 * bound);
    // Still caching: far more than a frame's worth of lines is kept.
    expect(ink.sharedCaches.styledChars.size).toBeGreaterThan(LIMIT);
  });
});
