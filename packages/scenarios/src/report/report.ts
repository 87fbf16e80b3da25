/**
 * The report `synack run` prints: one line per expectation (pass or fail, with the file position it
 * was written at), then, for each failure, where in the run it went wrong and the trace around it.
 */
import { arrowLabel } from '../renderers/ladder.js';
import type { ScenarioRun } from '../runner/run.js';
import type { SynackEvent } from '../trace/events.js';
import { ViewBuilder } from '../view/fold.js';

export interface ReportOptions {
  readonly color?: boolean;
  /** Trace events shown on each side of a failure (default 4). */
  readonly context?: number;
}

export function formatReport(run: ScenarioRun, options: ReportOptions = {}): string {
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const ok = paint(32, 'PASS');
  const bad = paint(31, 'FAIL');
  const lines = [
    `${run.passed ? ok : bad} ${run.scenario.name} (seed ${run.seed}, ${run.trace.length} events, ended at ${run.endTime} ms)`,
  ];
  for (const failure of run.failures) lines.push(`  ${bad} ${failure}`);
  for (const result of run.results) {
    const where = `${result.source.file}:${result.source.line}:${result.source.column}`;
    lines.push(`  ${result.pass ? ok : bad} ${result.message}  ${paint(2, where)}`);
    if (!result.pass && result.traceIndex !== undefined && result.traceIndex >= 0) {
      lines.push(...traceAround(run, result.traceIndex, options.context ?? 4).map((l) => `      ${l}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The trace events around an index, one short line each, the index itself marked. */
export function traceAround(run: ScenarioRun, index: number, context: number): string[] {
  const from = Math.max(0, index - context);
  const to = Math.min(run.trace.length - 1, index + context);
  const builder = new ViewBuilder(run.endpoints, run.trace.length);
  for (const event of run.trace.slice(0, to + 1)) builder.apply(event);
  const arrows = new Map(builder.snapshot().arrows.map((a) => [`${a.segmentId}/${a.copy}`, a]));
  const out: string[] = [];
  for (let i = from; i <= to; i++) {
    const event = run.trace[i] as SynackEvent;
    out.push(`${i === index ? '>' : ' '} #${i} ${event.time.toFixed(3)} ms ${describeEvent(event, arrows)}`);
  }
  return out;
}

export function describeEvent(
  event: SynackEvent,
  arrows: ReadonlyMap<string, import('../view/model.js').ArrowView>,
): string {
  switch (event.type) {
    case 'segment.sent': {
      const arrow = arrows.get(`${event.segmentId}/0`);
      return `${event.from} → ${event.to} ${arrow ? arrowLabel(arrow) : event.seg.flags.join(',')}`;
    }
    case 'segment.delivered':
      return `segment ${event.segmentId} delivered to ${event.to}`;
    case 'segment.dropped':
      return `segment ${event.segmentId} dropped (${event.reason})`;
    case 'tcp.state':
      return `${event.host} ${event.from} → ${event.to} (${event.cause})`;
    case 'timer.set':
    case 'timer.fired':
    case 'timer.cancelled':
      return `${event.host} ${event.timer} ${event.type.slice(6)} (deadline ${event.deadline} ms)`;
    case 'ws.frame':
      return `${event.endpoint} ${event.direction} ${event.opcodeName} frame, ${event.payloadLength} bytes${event.masked ? ', masked' : ''}`;
    case 'ws.message':
      return `${event.endpoint} received ${event.kind} message (${event.length} bytes)`;
    case 'ws.state':
      return `${event.endpoint} WebSocket ${event.from} → ${event.to}`;
    case 'ws.close':
      return `${event.endpoint} onclose code ${event.code}${event.reason ? ` "${event.reason}"` : ''}`;
    case 'ws.error':
      return `${event.endpoint} ${event.code} → close ${event.closeCode}: ${event.message}`;
    case 'error':
      return `${event.host} ${event.code}: ${event.message}`;
    case 'scenario.step':
      return `step ${event.index + 1}: ${event.action}${event.by ? ` by ${event.by}` : ''} (line ${event.line})`;
    default:
      return event.type;
  }
}

/** The machine-readable report (`synack run --json`). */
export function reportJson(run: ScenarioRun) {
  return {
    scenario: run.scenario.name,
    file: run.scenario.file,
    seed: run.seed,
    passed: run.passed,
    events: run.trace.length,
    endTime: run.endTime,
    failures: run.failures,
    expectations: run.results.map((r) => ({
      type: r.expectation.type,
      pass: r.pass,
      message: r.message,
      file: r.source.file,
      line: r.source.line,
      column: r.source.column,
      ...(r.traceIndex === undefined ? {} : { traceIndex: r.traceIndex }),
    })),
  };
}
