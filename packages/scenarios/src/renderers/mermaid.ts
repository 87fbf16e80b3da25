/**
 * A Mermaid sequence diagram of a run: participants are the endpoints, each segment a message arrow
 * (`-x` when it was lost), state changes and WebSocket events as notes over their endpoint.
 */
import type { EndpointSpec } from '../language/types.js';
import type { SynackEvent } from '../trace/events.js';
import { ViewBuilder } from '../view/fold.js';
import { arrowLabel } from './ladder.js';

/**
 * Mermaid refuses a diagram longer than its `maxTextSize` setting (50,000 characters by default; a page
 * can raise it only in `mermaid.initialize`, not from inside the diagram). A longer run is cut to fit,
 * ending with a note that says how much was left out and where the whole run is.
 */
export const MERMAID_MAX_TEXT_SIZE = 50_000;

export interface MermaidOptions {
  /** Characters the diagram may take (default Mermaid's 50,000); Infinity for the whole run. */
  readonly maxTextSize?: number;
}

export function renderMermaid(
  trace: readonly SynackEvent[],
  endpoints: readonly EndpointSpec[],
  options: MermaidOptions = {},
): string {
  const builder = new ViewBuilder(endpoints, trace.length);
  for (const event of trace) builder.apply(event);
  const arrows = new Map(builder.snapshot().arrows.map((a) => [`${a.segmentId}/${a.copy}`, a]));
  const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');
  const lines = ['sequenceDiagram'];
  for (const e of endpoints)
    lines.push(`  participant ${id(e.name)} as ${e.name} ${e.address}${e.port ? `:${e.port}` : ''}`);
  for (const event of trace) {
    switch (event.type) {
      case 'segment.sent':
      case 'segment.duplicated': {
        const arrow = arrows.get(`${event.segmentId}/${event.type === 'segment.sent' ? 0 : event.copy}`);
        if (arrow === undefined) break;
        const lost = arrow.fate === 'dropped' || arrow.fate === 'corrupted';
        const note =
          arrow.fate === 'refused'
            ? ` (discarded: ${arrow.dropReason})`
            : lost
              ? ` (${arrow.fate === 'corrupted' ? 'corrupted' : 'lost'})`
              : '';
        const label = `${arrowLabel(arrow)}${note}`;
        lines.push(`  ${id(arrow.from)}${lost ? '-x' : '->>'}${id(arrow.to)}: ${escapeMermaid(label)}`);
        break;
      }
      case 'tcp.state':
        lines.push(`  Note over ${id(event.host)}: ${event.from} → ${event.to}`);
        break;
      case 'ws.state':
        lines.push(`  Note over ${id(event.endpoint)}: WebSocket ${event.to}`);
        break;
      case 'ws.message':
        if (event.direction === 'received') {
          lines.push(`  Note over ${id(event.endpoint)}: received ${event.kind} (${event.length} bytes)`);
        }
        break;
      case 'ws.close':
        lines.push(`  Note over ${id(event.endpoint)}: onclose ${event.code}`);
        break;
      case 'error':
        lines.push(`  Note over ${id(event.host)}: ${event.code}`);
        break;
      default:
        break;
    }
  }
  return fitWithin(
    lines,
    endpoints.map((e) => id(e.name)),
    options.maxTextSize ?? MERMAID_MAX_TEXT_SIZE,
  );
}

/** The lines joined, cut before `limit` characters with a closing note when they do not fit. */
function fitWithin(lines: readonly string[], participants: readonly string[], limit: number): string {
  const whole = `${lines.join('\n')}\n`;
  if (whole.length <= limit) return whole;
  const over =
    participants.length > 1 ? `${participants[0]},${participants.at(-1)}` : (participants[0] ?? 'x');
  const note = (left: number) =>
    `  Note over ${over}: ${left} more lines left out to stay within Mermaid's maxTextSize (${limit} characters)#59; export as text or jsonl for the whole run\n`;
  let size = note(lines.length).length;
  let kept = 0;
  while (kept < lines.length && size + lines[kept]!.length + 1 <= limit) size += lines[kept++]!.length + 1;
  return `${lines.slice(0, kept).join('\n')}\n${note(lines.length - kept)}`;
}

/** Mermaid ends a message at ';' and '#' starts an entity code: spell them as entities. */
function escapeMermaid(text: string): string {
  return text.replace(/#/g, '#35;').replace(/;/g, '#59;');
}
