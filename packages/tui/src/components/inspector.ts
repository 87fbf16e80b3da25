/**
 * The inspector as rows: the selected segment's bytes as a hex dump grouped by field, each field's
 * bytes coloured by layer (IP, TCP, TCP options, HTTP, WebSocket header, masking key, payload) with its
 * label and decoded value beside it. Long fields (an HTTP line, a payload) show their first bytes and a
 * count. The rows are windowed by `scroll` so a 300-byte HTTP head fits any pane.
 */
import { bytesFromHex, type Field, type FieldGroup } from '../inspect/annotate.js';
import type { ArrowView } from '../model.js';
import { type Color, fit, type Row, span } from './spans.js';

export const GROUP_COLORS: Readonly<Record<FieldGroup, Color>> = {
  ip: 'blue',
  tcp: 'cyan',
  'tcp-option': 'cyan',
  http: 'green',
  'ws-header': 'magenta',
  'ws-mask': 'yellow',
  'ws-payload': 'green',
  data: 'gray',
};

/** Bytes shown per field: 8 on a wide pane, 4 on a narrow one; the rest is counted ('+11'). */
function hexOf(bytes: Uint8Array, f: Field, per: number): string {
  const shown = bytes.subarray(f.start, Math.min(f.end, f.start + per));
  const hex = Array.from(shown, (x) => x.toString(16).padStart(2, '0')).join(' ');
  return f.end - f.start > per ? `${hex} +${f.end - f.start - per}` : hex;
}

export function inspectorRows(
  arrow: ArrowView | undefined,
  fields: readonly Field[],
  height: number,
  width: number,
  scroll: number,
  empty: string,
): Row[] {
  if (arrow === undefined) return [[span(empty, { dim: true })]];
  const bytes = bytesFromHex(arrow.hex);
  const title: Row = [
    span(`#${arrow.segmentId} ${arrow.from}->${arrow.to} `, { bold: true }),
    span(`${bytes.length} bytes  `, { dim: true }),
    span(fit(`${arrow.flags.join(',')} seq=${arrow.seq} ack=${arrow.ack} len=${arrow.len}`, width - 30)),
  ];
  const body = Math.max(0, height - 1);
  const first = Math.max(0, Math.min(scroll, fields.length - body));
  const per = width >= 100 ? 8 : 4;
  const hexWidth = per * 3 + 5;
  const labelWidth = Math.min(34, Math.max(12, width - 6 - hexWidth - 18));
  const rows: Row[] = [title];
  for (const [i, f] of fields.slice(first, first + body).entries()) {
    const color = GROUP_COLORS[f.group];
    // Adjacent fields of one layer alternate in brightness so their bytes can be told apart.
    const dim = (first + i) % 2 === 1;
    rows.push([
      span(f.start.toString(16).padStart(4, '0'), { dim: true }),
      span('  '),
      span(hexOf(bytes, f, per).padEnd(hexWidth), { color, dim }),
      span(fit(f.label, labelWidth).padEnd(labelWidth + 1), { color }),
      span(fit(f.value, Math.max(0, width - 6 - hexWidth - labelWidth - 1))),
    ]);
  }
  if (first + body < fields.length) {
    const last = rows.at(-1);
    if (last !== undefined && rows.length > 1)
      rows[rows.length - 1] = [
        ...last.slice(0, 1),
        span(`  ... ${fields.length - first - body + 1} more fields ([ ] scroll)`, { dim: true }),
      ];
  }
  return rows;
}
