/**
 * The text ladder: a sequence diagram for terminals and docs. Time goes down; each endpoint is a
 * column; each segment is an arrow from its sender's column to its receiver's, labelled with flags,
 * relative seq/ack, length and what it carries; state changes and WebSocket events are written beside
 * the endpoint's column. Lost segments end in `✕` half-way; duplicates and retransmissions are marked.
 *
 * It reads only the trace (and the endpoints' names), like every view.
 */
import type { EndpointSpec } from '../language/types.js';
import type { SynackEvent } from '../trace/events.js';
import { ViewBuilder } from '../view/fold.js';
import type { ArrowView } from '../view/model.js';
import { blankCells, padCells, placeText } from './cells.js';
import { LADDER_WORDS, type LadderLang, type LadderWords } from './ladder-words.js';

export interface LadderOptions {
  /** Total width in columns (default 100, at least 60). */
  readonly width?: number;
  /** Leave out pure timer and application-call rows (default true: they are in the JSON Lines). */
  readonly compact?: boolean;
  /** Language of the prose around the protocol names (default 'en'). */
  readonly lang?: LadderLang;
}

const TIME_WIDTH = 12;

export function renderLadder(
  trace: readonly SynackEvent[],
  endpoints: readonly EndpointSpec[],
  options: LadderOptions = {},
): string {
  const width = Math.max(60, options.width ?? 100);
  const names = endpoints.map((e) => e.name);
  const columns = columnPositions(names.length, width - TIME_WIDTH);
  const final = finalArrows(trace, endpoints);
  const words = LADDER_WORDS[options.lang ?? 'en'];
  const lines: string[] = [header(endpoints, columns, width, words)];
  for (const event of trace) {
    const row = rowFor(event, names, columns, final, width, words);
    if (row !== undefined) lines.push(`${formatTime(event.time)}${row}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

function finalArrows(
  trace: readonly SynackEvent[],
  endpoints: readonly EndpointSpec[],
): Map<string, ArrowView> {
  const builder = new ViewBuilder(endpoints, trace.length);
  for (const event of trace) builder.apply(event);
  return new Map(builder.snapshot().arrows.map((a) => [`${a.segmentId}/${a.copy}`, a]));
}

function columnPositions(count: number, span: number): number[] {
  if (count === 1) return [2];
  const step = (span - 4) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(2 + i * step));
}

function header(
  endpoints: readonly EndpointSpec[],
  columns: readonly number[],
  width: number,
  words: LadderWords,
): string {
  const line = blankCells(width - TIME_WIDTH);
  endpoints.forEach((e, i) => {
    const label = e.port === undefined ? `${e.name} ${e.address}` : `${e.name} ${e.address}:${e.port}`;
    placeText(
      line,
      columns[i] ?? 0,
      label,
      i === endpoints.length - 1 && endpoints.length > 1 ? 'end' : 'start',
    );
  });
  return `${padCells(words.timeHeader, TIME_WIDTH)}${line.join('')}`.trimEnd();
}

function rowFor(
  event: SynackEvent,
  names: readonly string[],
  columns: readonly number[],
  arrows: ReadonlyMap<string, ArrowView>,
  width: number,
  words: LadderWords,
): string | undefined {
  const column = (name: string) => columns[names.indexOf(name)];
  const note = (name: string, text: string) => {
    const x = column(name);
    if (x === undefined) return undefined;
    const line = rails(width, columns);
    const isLast = names.indexOf(name) === names.length - 1 && names.length > 1;
    placeText(line, isLast ? x - 1 : x + 2, text, isLast ? 'end' : 'start');
    return line.join('');
  };
  switch (event.type) {
    case 'segment.sent':
    case 'segment.duplicated': {
      const arrow = arrows.get(`${event.segmentId}/${event.type === 'segment.sent' ? 0 : event.copy}`);
      if (arrow === undefined) return undefined;
      const a = column(arrow.from);
      const b = column(arrow.to);
      return a === undefined || b === undefined ? undefined : drawArrow(arrow, a, b, width, columns, words);
    }
    case 'tcp.state':
      return names.includes(event.host) ? note(event.host, `${event.from} → ${event.to}`) : undefined;
    case 'ws.message':
      return event.direction === 'received'
        ? note(
            event.endpoint,
            `⇐ ${words.messageKind[event.kind]} ${quote(event.preview, event.length, words)}`,
          )
        : undefined;
    case 'ws.state':
      return note(event.endpoint, `ws ${event.to}`);
    case 'ws.close':
      return note(
        event.endpoint,
        `onclose ${event.code}${event.reason ? ` "${printable(event.reason)}"` : ''}${event.wasClean ? '' : words.unclean}`,
      );
    case 'ws.error':
      return note(event.endpoint, words.wsError(event.code, event.closeCode));
    case 'timer.fired':
      return note(event.host, words.timerFired(event.timer));
    case 'error':
      return note(event.host, words.error(event.code));
    default:
      return undefined;
  }
}

export function arrowLabel(arrow: ArrowView, words: LadderWords = LADDER_WORDS.en): string {
  const parts = [arrow.flags.length > 0 ? arrow.flags.join(',') : 'none', `seq=${arrow.seq}`];
  if (arrow.flags.includes('ACK')) parts.push(`ack=${arrow.ack}`);
  if (arrow.len > 0) parts.push(`len=${arrow.len}`);
  if (arrow.carries) parts.push(`[${arrow.carries}]`);
  if (arrow.retransmission) parts.push(words.retransmission);
  if (arrow.copy > 0) parts.push(words.duplicate);
  return parts.join(' ');
}

function drawArrow(
  arrow: ArrowView,
  from: number,
  to: number,
  width: number,
  columns: readonly number[],
  words: LadderWords,
): string {
  const line = rails(width, columns);
  const left = Math.min(from, to);
  const right = Math.max(from, to);
  const lost = arrow.fate === 'dropped' || arrow.fate === 'corrupted';
  const stop = lost ? Math.round((left + right) / 2) : right;
  const start = lost ? Math.round((left + right) / 2) : left;
  if (from < to) {
    for (let x = left + 1; x < stop; x++) line[x] = '─';
    line[lost ? stop : right - 1] = lost ? '✕' : '▶';
  } else {
    for (let x = start + 1; x < right; x++) line[x] = '─';
    line[lost ? start : left + 1] = lost ? '✕' : '◀';
  }
  const label = ` ${arrowLabel(arrow, words)}${fateNote(arrow, words)} `;
  placeText(line, left + 3, label, 'start');
  return line.join('');
}

function fateNote(arrow: ArrowView, words: LadderWords): string {
  if (arrow.fate === 'corrupted') return words.corrupted;
  if (arrow.fate === 'dropped') return arrow.dropReason === 'fault' ? words.droppedByFault : words.lost;
  if (arrow.fate === 'refused') return words.discarded(arrow.dropReason ?? 'refused');
  return '';
}

function rails(width: number, columns: readonly number[]): string[] {
  const line = blankCells(width - TIME_WIDTH);
  for (const x of columns) line[x] = '│';
  return line;
}

function quote(preview: string | undefined, length: number, words: LadderWords): string {
  if (preview === undefined) return `(${words.bytes(length)})`;
  // Escaped first, then cut: the quote is at most 32 characters however many controls it held.
  const chars = [...printable(preview)];
  const short = chars.length > 32 ? `${chars.slice(0, 31).join('')}…` : chars.join('');
  return `"${short}"${length > preview.length ? ` (${words.bytes(length)})` : ''}`;
}

function formatTime(ms: number): string {
  return ms
    .toFixed(3)
    .padStart(TIME_WIDTH - 2)
    .padEnd(TIME_WIDTH);
}

/** Text from the wire as one row: a newline, tab or escape would break the row or drive the terminal. */
function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, escapeControl);
}

const NAMED_CONTROLS: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\n`, `\t`, `\r` by name, any other control character (C0, DEL, C1) as `\u00XX`. */
function escapeControl(c: string): string {
  return NAMED_CONTROLS[c] ?? `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
}
