/**
 * JSON Lines export: one trace event per line, keys in the order the event was built, no spaces. The
 * same scenario and seed give the same bytes (tests assert it), so these files diff cleanly.
 */
import type { SynackEvent } from '../trace/events.js';

export function renderJsonLines(trace: readonly SynackEvent[]): string {
  let out = '';
  for (const event of trace) out += `${JSON.stringify(event)}\n`;
  return out;
}
