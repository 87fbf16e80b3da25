/**
 * The TCP connection state diagram of RFC 9293 3.3.2 (Figure 5), drawn in the terminal, as rows.
 *
 * Like the RFC's own figure it is plain ASCII, which also keeps frames cheap: Ink measures the width of
 * every non-ASCII character on screen on every frame.
 *
 * The figure is written once below in a tiny markup: `{STATE}` is a state box, `[FROM>TO|text]` is the
 * part of an edge (label or stroke) that belongs to the transition FROM -> TO. Rendering lights the
 * current state and traces the last transition by styling the parts that carry its key. CLOSED appears
 * twice, as in the RFC's figure: at the top before a connection exists, at the bottom after it ended.
 */
import type { TcpStateName, TransitionView } from '../model.js';
import type { Color, Row, Span } from './spans.js';

const FIGURE: readonly string[] = [
  ' {CLOSED} [CLOSED>LISTEN|--passive OPEN------------->] {LISTEN}',
  '   [CLOSED>SYN-SENT|| active OPEN]                      [LISTEN>SYN-RCVD|| rcv SYN]',
  '   [CLOSED>SYN-SENT|V snd SYN]                          [LISTEN>SYN-RCVD|V snd SYN,ACK]',
  ' {SYN-SENT} [SYN-SENT>SYN-RCVD|--rcv SYN/snd SYN,ACK---->] {SYN-RCVD}',
  '   [SYN-SENT>ESTABLISHED|| rcv SYN,ACK/snd ACK]              [SYN-RCVD>ESTABLISHED|| rcv ACK of SYN]',
  '   [SYN-SENT>ESTABLISHED|+---------->] {ESTABLISHED} [SYN-RCVD>ESTABLISHED|<---------+]',
  '   [ESTABLISHED>FIN-WAIT-1|+------------+]         [ESTABLISHED>CLOSE-WAIT|+-----------------+]',
  '   [ESTABLISHED>FIN-WAIT-1|V CLOSE/snd FIN]                          [ESTABLISHED>CLOSE-WAIT|V rcv FIN/snd ACK]',
  ' {FIN-WAIT-1} [FIN-WAIT-1>CLOSING|-rcv FIN/snd ACK->] {CLOSING}     {CLOSE-WAIT}',
  '   [FIN-WAIT-1>FIN-WAIT-2|| rcv ACK of FIN]             [CLOSING>TIME-WAIT|| rcv ACK]   [CLOSE-WAIT>LAST-ACK|| CLOSE/snd FIN]',
  '   [FIN-WAIT-1>FIN-WAIT-2|V]                            [CLOSING>TIME-WAIT|V]           [CLOSE-WAIT>LAST-ACK|V]',
  ' {FIN-WAIT-2} [FIN-WAIT-2>TIME-WAIT|-rcv FIN/snd ACK->] {TIME-WAIT}   {LAST-ACK}',
  '                                [TIME-WAIT>CLOSED|| 2MSL]      [LAST-ACK>CLOSED|| rcv ACK of FIN]',
  '                                [TIME-WAIT>CLOSED|V]           [LAST-ACK>CLOSED|V]',
  '                              {CLOSED@end}      {CLOSED@end}',
];

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'state'; readonly state: TcpStateName; readonly end: boolean }
  | { readonly kind: 'edge'; readonly key: string; readonly text: string };

function parseLine(line: string): Part[] {
  const parts: Part[] = [];
  const token = /\{([A-Z0-9-]+)(@end)?\}|\[([A-Z0-9->]+)\|([^\]]*)\]/g;
  let last = 0;
  for (const m of line.matchAll(token)) {
    if (m.index > last) parts.push({ kind: 'text', text: line.slice(last, m.index) });
    if (m[1] !== undefined)
      parts.push({ kind: 'state', state: m[1] as TcpStateName, end: m[2] !== undefined });
    else parts.push({ kind: 'edge', key: m[3] ?? '', text: m[4] ?? '' });
    last = m.index + m[0].length;
  }
  if (last < line.length) parts.push({ kind: 'text', text: line.slice(last) });
  return parts;
}

const PARSED: readonly (readonly Part[])[] = FIGURE.map(parseLine);

/** Every transition the figure draws, as `FROM>TO`. */
export const DIAGRAM_EDGES: ReadonlySet<string> = new Set(
  PARSED.flat().flatMap((p) => (p.kind === 'edge' ? [p.key] : [])),
);

export const DIAGRAM_HEIGHT = FIGURE.length;
export const DIAGRAM_WIDTH = Math.max(
  ...PARSED.map((parts) => parts.reduce((n, p) => n + partText(p).length, 0)),
);

function partText(p: Part): string {
  return p.kind === 'state' ? p.state : p.text;
}

/** One endpoint's place on the figure: its state, the transition that brought it there, its colour. */
export interface DiagramMark {
  readonly name: string;
  readonly state: TcpStateName;
  readonly last: TransitionView | undefined;
  readonly color: Color;
}

/**
 * Which CLOSED is lit: the top one before the connection ever left CLOSED, the bottom one once it has
 * ended (the last transition led into CLOSED).
 */
function holds(p: Extract<Part, { kind: 'state' }>, m: DiagramMark): boolean {
  if (p.state !== m.state) return false;
  if (m.state !== 'CLOSED') return true;
  return p.end === (m.last !== undefined && m.last.to === 'CLOSED');
}

function statePart(p: Extract<Part, { kind: 'state' }>, marks: readonly DiagramMark[], first: boolean): Span {
  const here = first ? marks.filter((m) => holds(p, m)) : [];
  if (here.length === 1)
    return { text: p.state, color: here[0]?.color ?? 'white', bold: true, inverse: true };
  if (here.length > 1) return { text: p.state, color: 'white', bold: true, inverse: true };
  return { text: p.state };
}

function edgePart(p: Extract<Part, { kind: 'edge' }>, marks: readonly DiagramMark[]): Span {
  const m = marks.find((x) => x.last !== undefined && `${x.last.from}>${x.last.to}` === p.key);
  return m === undefined ? { text: p.text, dim: true } : { text: p.text, color: m.color, bold: true };
}

/**
 * The figure with every endpoint's current state lit in its colour and its last transition traced, then
 * one legend row per endpoint naming its state and last transition (which also covers transitions the
 * figure does not draw, such as a reset straight to CLOSED, and reads the same without colour).
 */
export function diagramRows(marks: readonly DiagramMark[], lastWord: string): Row[] {
  const rows = PARSED.map((parts) => {
    let endSeen = false;
    return parts.map((p): Span => {
      // Text parts are only the spaces between tokens: unstyled, so they cost no escape codes.
      if (p.kind === 'text') return { text: p.text };
      if (p.kind === 'edge') return edgePart(p, marks);
      // The two bottom CLOSED boxes are one state: light only the first of the row.
      const first = !(p.end && endSeen);
      if (p.end) endSeen = true;
      return statePart(p, marks, first);
    });
  });
  for (const m of marks) {
    const last = m.last === undefined ? '' : `  ${lastWord}: ${m.last.from} -> ${m.last.to}`;
    rows.push([
      { text: ' * ', color: m.color },
      { text: `${m.name} `, bold: true },
      { text: m.state, color: m.color, bold: true },
      { text: last, dim: true },
    ]);
  }
  return rows;
}
