/**
 * The ladder (sequence) diagram as rows: one row per segment, time going down, an arrow between the
 * client and server columns. Only the rows that fit are computed (windowing keeps a frame cheap with
 * thousands of segments). A segment in flight is drawn part-way across, in proportion to how much of
 * its trip has passed in virtual time; lost, corrupted, duplicated and retransmitted segments each have
 * their own stroke, colour and tag, so they can be told apart without colour too (NO_COLOR). Strokes are
 * ASCII: Ink measures every non-ASCII character on every frame, and the ladder is most of the screen.
 */
import { formatTime, numbersText } from '../format.js';
import type { ArrowView, TraceEntry } from '../model.js';
import { type Color, fit, type Row, span } from './spans.js';

export interface LadderLayout {
  readonly width: number;
  readonly height: number;
  /** Name of the endpoint drawn on the left; every other endpoint is on the right. */
  readonly left: string;
}

interface Stroke {
  readonly line: string;
  readonly head: string;
  /** Every mark that applies, fate first: a lost retransmission is `LOST RTX`. */
  readonly tags: readonly string[];
  readonly color: Color | undefined;
}

function strokeOf(a: ArrowView): Stroke {
  const rtx = a.retransmission ? ['RTX'] : [];
  const dup = a.copy > 0 ? ['DUP'] : [];
  if (a.fate === 'refused') return { line: '-', head: 'X', tags: ['RFSD', ...dup, ...rtx], color: 'red' };
  if (a.fate === 'dropped') return { line: '-', head: 'X', tags: ['LOST', ...dup, ...rtx], color: 'red' };
  if (a.fate === 'corrupted') return { line: '~', head: 'X', tags: ['BAD', ...dup, ...rtx], color: 'red' };
  if (a.copy > 0 || a.fate === 'duplicate')
    return { line: '=', head: '>', tags: ['DUP', ...rtx], color: 'magenta' };
  if (a.retransmission) return { line: '-', head: '>', tags: rtx, color: 'yellow' };
  if (a.fate === 'in-flight') return { line: '-', head: '>', tags: [], color: 'cyan' };
  return { line: '-', head: '>', tags: [], color: undefined };
}

/** Room for the longest set of marks (`LOST DUP RTX`), so the labels start in one column. */
export const MARKS_WIDTH = 13;

/** The marks of a segment, padded to one width and always followed by a space before its flags. */
export function marksText(a: ArrowView): string {
  return strokeOf(a)
    .tags.join(' ')
    .padEnd(MARKS_WIDTH - 1)
    .concat(' ');
}

/** When each segment's trip ends (its first delivery, drop or refusal), by segment id. */
export type Arrivals = ReadonlyMap<number, number>;

/**
 * Reads the arrival times off the whole trace. The view at a cursor does not know when a segment in
 * flight will land (that event is in its future), but the session's trace holds the whole
 * deterministic run, so the ladder can draw the segment's progress in proportion to its real trip.
 */
export function arrivalTimes(trace: readonly TraceEntry[]): Arrivals {
  const out = new Map<number, number>();
  for (const e of trace) {
    if (e.segmentId === undefined || e.type === 'segment.sent' || out.has(e.segmentId)) continue;
    out.set(e.segmentId, e.time);
  }
  return out;
}

/** How far along the link the arrow is drawn, 0..1. */
export function progress(a: ArrowView, time: number, arrivals?: Arrivals): number {
  if (a.fate === 'dropped') return 0.5;
  if (a.fate !== 'in-flight') return 1;
  const end = a.endAt ?? arrivals?.get(a.segmentId);
  if (end === undefined || end <= a.sentAt) return 0.5;
  return Math.min(1, Math.max(0, (time - a.sentAt) / (end - a.sentAt)));
}

/** The link between the two columns, `width` cells, drawn from the sender's side. */
export function linkCells(
  a: ArrowView,
  time: number,
  width: number,
  leftToRight: boolean,
  arrivals?: Arrivals,
): string {
  const s = strokeOf(a);
  const reach = Math.max(1, Math.round(progress(a, time, arrivals) * width));
  const drawn = s.line.repeat(reach - 1);
  const rest = ' '.repeat(width - reach);
  if (leftToRight) return `${drawn}${s.head}${rest}`;
  const head = s.head === '>' ? '<' : s.head;
  return `${rest}${head}${drawn}`;
}

export function arrowText(a: ArrowView): string {
  const carries = a.carries === undefined ? '' : ` | ${a.carries}`;
  return `${a.flags.join(',') || '-'} ${numbersText(a)}${carries}`;
}

/** Index of the first row to draw so the selected (or latest) segment is on screen. */
export function windowStart(count: number, height: number, selectedIndex: number): number {
  if (count <= height) return 0;
  // Keep the selection two thirds of the way down, so there is context above and a little below.
  const ideal = selectedIndex - Math.floor((height * 2) / 3);
  return Math.min(count - height, Math.max(0, ideal));
}

export function selectedIndex(arrows: readonly ArrowView[], selected: number | undefined): number {
  if (selected === undefined) return arrows.length - 1;
  for (let i = arrows.length - 1; i >= 0; i--) if (arrows[i]?.segmentId === selected) return i;
  return arrows.length - 1;
}

/** `9999.999ms` or `86400.000s` and a space. */
const TIME_COLUMN = 11;

/** Header row plus at most `height - 1` segment rows. */
export function ladderRows(
  arrows: readonly ArrowView[],
  time: number,
  selected: number | undefined,
  layout: LadderLayout,
  arrivals?: Arrivals,
): Row[] {
  const link = Math.max(8, Math.min(36, Math.floor(layout.width * 0.34)));
  const labelWidth = Math.max(0, layout.width - TIME_COLUMN - link - 4 - MARKS_WIDTH);
  const right =
    arrows.find((a) => a.from !== layout.left)?.from ?? arrows.find((a) => a.to !== layout.left)?.to;
  const header: Row = [
    span(' '.repeat(TIME_COLUMN)),
    span(fit(layout.left, link + 2).padEnd(link + 2), { bold: true }),
    span(fit(right ?? '', 12), { bold: true }),
  ];
  const rows: Row[] = [header];
  const body = Math.max(0, layout.height - 1);
  const sel = selectedIndex(arrows, selected);
  const start = windowStart(arrows.length, body, sel);
  const end = Math.min(arrows.length, start + body);
  for (let i = start; i < end; i++) {
    const a = arrows[i];
    if (a === undefined) continue;
    const s = strokeOf(a);
    const isSelected = i === sel && selected !== undefined;
    const cells = linkCells(a, time, link, a.from === layout.left, arrivals);
    rows.push([
      span(formatTime(a.sentAt).padStart(TIME_COLUMN - 1), { dim: true }),
      // The marker is bold; a blank (unselected) marker is a plain space: bold on a space shows nothing.
      isSelected ? span('>', { bold: true }) : span(' '),
      span('|'),
      span(cells, s.color === undefined ? {} : { color: s.color }),
      span('| '),
      span(marksText(a), s.color === undefined ? {} : { color: s.color, bold: true }),
      span(fit(arrowText(a), labelWidth), { inverse: isSelected }),
    ]);
  }
  return rows;
}
