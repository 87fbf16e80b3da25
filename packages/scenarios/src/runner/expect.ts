/**
 * Checks a scenario's expectations against a finished run. Each check reads the trace (states at a
 * time are re-derived by folding the trace up to that time) plus the two things the trace only
 * summarises: the full text of received messages and the exact bytes each side wrote and read.
 */

import type { SourceLocation } from '../language/errors.js';
import type {
  EndpointSpec,
  Expectation,
  LocatedExpectation,
  MessageMatch,
  SegmentMatch,
  SegmentPattern,
} from '../language/types.js';
import type { SynackEvent, TcpTraceEvent } from '../trace/events.js';
import { ViewBuilder } from '../view/fold.js';
import type { ArrowView, View } from '../view/model.js';

export interface RunRecord {
  readonly trace: readonly SynackEvent[];
  readonly endpoints: readonly EndpointSpec[];
  /** WebSocket messages each endpoint received, in order, in full. */
  readonly received: ReadonlyMap<string, readonly (string | Uint8Array)[]>;
  /** TCP bytes written by `from` and delivered to `to`'s application, keyed `from>to`. */
  readonly streams: ReadonlyMap<string, { readonly written: Uint8Array; readonly delivered: Uint8Array }>;
  /**
   * The last virtual time the run observed: its `until` bound (a run that goes quiet earlier stays as
   * it is until then), or the time it stopped at when it hit its event limit. A check `at` a later time
   * saw nothing and fails. Absent: no bound is known.
   */
  readonly horizon?: number;
}

export interface ExpectationResult {
  readonly expectation: Expectation;
  readonly source: SourceLocation;
  readonly pass: boolean;
  /** What was expected and what was found, in one sentence. */
  readonly message: string;
  /** Trace index the failure is about (for showing the trace around it), when there is one. */
  readonly traceIndex?: number;
}

export function checkExpectations(
  run: RunRecord,
  expectations: readonly LocatedExpectation[],
): ExpectationResult[] {
  const final = fold(run, run.trace.length - 1);
  return expectations.map(({ expectation, source }) => ({
    expectation,
    source,
    ...check(run, final, expectation),
  }));
}

type Verdict = { pass: boolean; message: string; traceIndex?: number };

function check(run: RunRecord, final: View, e: Expectation): Verdict {
  switch (e.type) {
    case 'state':
    case 'ready-state': {
      const layerName = e.type === 'state' ? 'TCP state' : 'WebSocket readyState';
      if (e.at !== undefined && run.horizon !== undefined && e.at > run.horizon) {
        return {
          pass: false,
          message: `${e.endpoint} ${layerName} at ${e.at} ms: the run ended at ${run.horizon} ms, so nothing was seen then`,
        };
      }
      const view = e.at === undefined ? final : fold(run, lastIndexAtOrBefore(run.trace, e.at));
      const endpoint = view.endpoints.find((x) => x.name === e.endpoint);
      const actual = e.type === 'state' ? endpoint?.tcp : (endpoint?.ws ?? 'none');
      const wanted = e.type === 'state' ? e.tcp : e.ws;
      const when = e.at === undefined ? 'at the end' : `at ${e.at} ms`;
      const layer = e.type === 'state' ? 'TCP state' : 'WebSocket readyState';
      return {
        pass: actual === wanted,
        message: `${e.endpoint} ${layer} ${when}: expected ${wanted}, found ${actual}`,
        traceIndex: view.cursor,
      };
    }
    case 'segments':
      return checkSegments(
        final.arrows.filter((a) => a.copy === 0),
        e.patterns,
        e.mode,
        run.trace,
      );
    case 'received':
      return checkReceived(run.received.get(e.endpoint) ?? [], e.messages, e.endpoint);
    case 'close-code': {
      const close = run.trace.findLast((x) => x.type === 'ws.close' && x.endpoint === e.endpoint);
      const code = close?.type === 'ws.close' ? close.code : undefined;
      return {
        pass: code === e.code,
        message: `${e.endpoint} close code: expected ${e.code}, found ${code ?? 'no close'}`,
        ...(close ? { traceIndex: close.seq } : {}),
      };
    }
    case 'delivered-intact': {
      const stream = run.streams.get(`${e.from}>${e.to}`);
      if (stream === undefined) return { pass: false, message: `no TCP stream from ${e.from} to ${e.to}` };
      const same = equalBytes(stream.written, stream.delivered);
      return {
        pass: same,
        message: same
          ? `${stream.delivered.length} bytes from ${e.from} reached ${e.to} intact`
          : `${e.from} wrote ${stream.written.length} bytes, ${e.to} read ${stream.delivered.length}${firstDifference(stream.written, stream.delivered)}`,
      };
    }
    case 'no-timers-left': {
      const running = runningTimers(run.trace);
      return {
        pass: running.length === 0,
        message:
          running.length === 0
            ? 'no timers left running'
            : `timers still running: ${running.map((t) => `${t.host} ${t.timer} (due ${t.deadline} ms)`).join(', ')}`,
      };
    }
    case 'count': {
      const hits = run.trace.filter((x) => x.type === e.event && matchesSegmentEvent(x, e.match, run.trace));
      const n = hits.length;
      const ok = (e.min === undefined || n >= e.min) && (e.max === undefined || n <= e.max);
      const range = e.min === e.max ? `${e.min}` : `${e.min ?? 0}..${e.max ?? '∞'}`;
      return { pass: ok, message: `${e.event} events matching: expected ${range}, found ${n}` };
    }
    case 'error': {
      const error = run.trace.find((x) => x.type === 'error' && x.host === e.endpoint && x.code === e.code);
      const seen = run.trace
        .filter((x) => x.type === 'error' && x.host === e.endpoint)
        .map((x) => (x.type === 'error' ? x.code : ''));
      return {
        pass: error !== undefined,
        message: `${e.endpoint} error ${e.code}: ${error ? 'seen' : `not seen (saw ${seen.join(', ') || 'none'})`}`,
        ...(error ? { traceIndex: error.seq } : {}),
      };
    }
  }
}

function fold(run: RunRecord, cursor: number): View {
  const builder = new ViewBuilder(run.endpoints, run.trace.length);
  for (let i = 0; i <= cursor && i < run.trace.length; i++) builder.apply(run.trace[i] as SynackEvent);
  return builder.snapshot();
}

function lastIndexAtOrBefore(trace: readonly SynackEvent[], time: number): number {
  let index = -1;
  for (const event of trace) {
    if (event.time > time) break;
    index = event.seq;
  }
  return index;
}

export function matchesPattern(arrow: ArrowView, p: SegmentPattern): boolean {
  if (arrow.from !== p.from || arrow.to !== p.to) return false;
  if (arrow.flags.length !== p.flags.length || !p.flags.every((f) => arrow.flags.includes(f))) return false;
  if (p.seq !== undefined && arrow.seq !== p.seq) return false;
  if (p.ack !== undefined && arrow.ack !== p.ack) return false;
  if (p.len !== undefined && arrow.len !== p.len) return false;
  if (p.retransmission !== undefined && arrow.retransmission !== p.retransmission) return false;
  if (p.carries !== undefined) {
    const label = arrow.carries ?? '';
    const wanted = p.carries === 'http' ? /^HTTP/ : new RegExp(`^WS ${p.carries} `);
    if (!wanted.test(label)) return false;
  }
  return true;
}

function checkSegments(
  arrows: readonly ArrowView[],
  patterns: readonly SegmentPattern[],
  mode: 'in-order' | 'exactly',
  trace: readonly SynackEvent[],
): Verdict {
  const sentIndex = (a: ArrowView) =>
    trace.findIndex((x) => x.type === 'segment.sent' && x.segmentId === a.segmentId);
  if (mode === 'exactly') {
    for (let i = 0; i < Math.max(arrows.length, patterns.length); i++) {
      const arrow = arrows[i];
      const pattern = patterns[i];
      if (arrow === undefined || pattern === undefined || !matchesPattern(arrow, pattern)) {
        return {
          pass: false,
          message: `segment ${i + 1}: expected ${pattern?.text ?? 'no more segments'}, found ${arrow ? describe(arrow) : 'none'}`,
          ...(arrow ? { traceIndex: sentIndex(arrow) } : {}),
        };
      }
    }
    return { pass: true, message: `exactly the ${patterns.length} segments expected` };
  }
  let from = 0;
  for (const [i, pattern] of patterns.entries()) {
    const found = arrows.findIndex((a, j) => j >= from && matchesPattern(a, pattern));
    if (found < 0) {
      const after = arrows[from - 1];
      return {
        pass: false,
        message: `segment pattern ${i + 1} '${pattern.text}' not found${after ? ` after ${describe(after)}` : ''}`,
        ...(after ? { traceIndex: sentIndex(after) } : {}),
      };
    }
    from = found + 1;
  }
  return { pass: true, message: `the ${patterns.length} segments appear in order` };
}

function describe(a: ArrowView): string {
  const parts = [`${a.from}>${a.to}`, a.flags.join(',') || 'none', `seq=${a.seq}`];
  if (a.flags.includes('ACK')) parts.push(`ack=${a.ack}`);
  parts.push(`len=${a.len}`);
  if (a.carries) parts.push(`[${a.carries}]`);
  return parts.join(' ');
}

function checkReceived(
  messages: readonly (string | Uint8Array)[],
  expected: readonly MessageMatch[],
  endpoint: string,
): Verdict {
  const summary = (m: string | Uint8Array) =>
    typeof m === 'string'
      ? `text(${m.length > 40 ? `${JSON.stringify(m.slice(0, 40))}…` : JSON.stringify(m)})`
      : `binary(${m.length} bytes)`;
  if (messages.length !== expected.length) {
    return {
      pass: false,
      message: `${endpoint} received ${messages.length} messages, expected ${expected.length}: ${messages.map(summary).join(', ') || 'none'}`,
    };
  }
  for (const [i, want] of expected.entries()) {
    const got = messages[i] as string | Uint8Array;
    const kind = typeof got === 'string' ? 'text' : 'binary';
    const length = typeof got === 'string' ? new TextEncoder().encode(got).length : got.length;
    const ok =
      (want.kind === undefined || want.kind === kind) &&
      (want.text === undefined || want.text === got) &&
      (want.length === undefined || want.length === length);
    if (!ok) {
      return {
        pass: false,
        message: `${endpoint} message ${i + 1}: expected ${JSON.stringify(want)}, found ${summary(got)}`,
      };
    }
  }
  return { pass: true, message: `${endpoint} received the ${expected.length} expected messages` };
}

type TimerEvent = Extract<TcpTraceEvent, { type: 'timer.set' | 'timer.fired' | 'timer.cancelled' }>;

function runningTimers(trace: readonly SynackEvent[]): TimerEvent[] {
  const running = new Map<number, TimerEvent>();
  for (const event of trace) {
    if (event.type === 'timer.set') running.set(event.timerId, event);
    else if (event.type === 'timer.fired' || event.type === 'timer.cancelled') running.delete(event.timerId);
  }
  return [...running.values()];
}

/** For segment events, the predicate applies to the segment as sent; other events only match `{}`. */
function matchesSegmentEvent(
  event: SynackEvent,
  match: SegmentMatch,
  trace: readonly SynackEvent[],
): boolean {
  if (Object.keys(match).length === 0) return true;
  if (!('segmentId' in event)) return false;
  const sent = trace.find((x) => x.type === 'segment.sent' && x.segmentId === event.segmentId);
  if (sent?.type !== 'segment.sent') return false;
  if (match.from !== undefined && sent.from !== match.from) return false;
  if (match.to !== undefined && sent.to !== match.to) return false;
  // As in faults: every flag named is set (others may be set too).
  const flags = sent.seg.flags as readonly string[];
  if (match.flags !== undefined && !match.flags.every((f) => flags.includes(f))) return false;
  if (match.payloadIncludes !== undefined) {
    const payload = payloadHex(sent.bytes, sent.seg.len);
    if (!payload.includes(textHex(match.payloadIncludes))) return false;
  }
  return true;
}

/** The payload is the packet's last `len` octets. */
function payloadHex(packetHex: string, len: number): string {
  return len === 0 ? '' : packetHex.slice(packetHex.length - 2 * len);
}

function textHex(text: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(text)) out += b.toString(16).padStart(2, '0');
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function firstDifference(a: Uint8Array, b: Uint8Array): string {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return `; first difference at byte ${i}`;
  return '';
}
