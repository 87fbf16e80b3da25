/**
 * A row of terminal cells. CJK text (a Chinese ladder, or a message like 你好) takes two columns per
 * character (Unicode UAX #11 East Asian Width), so a row is an array of cells in which a wide
 * character fills its cell and leaves the next one empty: joined, the columns still line up.
 */
import { eastAsianWidth } from 'get-east-asian-width';

/** Combining marks, format characters (ZWJ) and variation selectors: drawn on the cell before. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/**
 * Columns a character takes: 0 for marks that combine with the one before, 2 for East Asian wide
 * ones; ambiguous ones (box drawing, arrows) count as narrow, as most terminals draw them.
 */
export function charWidth(ch: string): 0 | 1 | 2 {
  if (ZERO_WIDTH.test(ch)) return 0;
  return eastAsianWidth(ch.codePointAt(0) ?? 0, { ambiguousAsWide: false });
}

export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/** Pads with spaces to `width` columns (not code units). */
export function padCells(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)));
}

export function blankCells(width: number): string[] {
  return Array.from({ length: width }, () => ' ');
}

/**
 * Writes text into a row, clipped to its width; 'end' right-aligns it so its last column is x. A
 * wide character that would not fit whole at the right edge is left out.
 */
export function placeText(cells: string[], x: number, text: string, align: 'start' | 'end'): void {
  const begin = Math.max(0, align === 'start' ? x : x - textWidth(text) + 1);
  let at = begin;
  for (const ch of text) {
    const w = charWidth(ch);
    if (w === 0) {
      // A combining mark joins the character drawn last (the cell before a wide one's blank half).
      const last = cells[at - 1] === '' ? at - 2 : at - 1;
      if (last >= begin) cells[last] += ch;
      continue;
    }
    if (at + w > cells.length) break;
    for (let i = at; i < at + w; i++) release(cells, i);
    cells[at] = ch;
    if (w === 2) cells[at + 1] = '';
    at += w;
  }
}

/** Frees a cell for writing: a wide character that half-covers it is replaced by a space. */
function release(cells: string[], i: number): void {
  if (cells[i] === '' && i > 0) cells[i - 1] = ' ';
  if (cells[i + 1] === '' && charWidth(cells[i] ?? ' ') === 2) cells[i + 1] = ' ';
  cells[i] = ' ';
}
