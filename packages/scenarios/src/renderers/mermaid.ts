/**
 * A Mermaid sequence diagram of a run: participants are the endpoints, each segment a message arrow
 * (`-x` when it was lost), state changes and WebSocket events as notes over their endpoint.
 */
import type { EndpointSpec } from '../language/types.js';
import type { SynackEvent } from '../trace/events.js';
import { ViewBuilder } from '../view/fold.js';
import { arrowLabel } from './ladder.js';

export function renderMermaid(trace: readonly SynackEvent[], endpoints: readonly EndpointSpec[]): string {
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
  return `${lines.join('\n')}\n`;
}

/** Mermaid ends a message at ';' and '#' starts an entity code: spell them as entities. */
function escapeMermaid(text: string): string {
  return text.replace(/#/g, '#35;').replace(/;/g, '#59;');
}
