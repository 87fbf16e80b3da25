/**
 * Recorded runs: the `NAME.trace.jsonl` a failing `withSimulatedNetwork` test leaves (one tcp-sim
 * trace event per line, from `@synack/tcp-sim/net`), read back for `synack play` (the text ladder of
 * the run) and `synack export` (jsonl, mermaid, text; pcap from the `NAME.pcap` written beside it).
 * A recorded run cannot be re-run (its program is the test), so it is shown as it happened.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LadderLang } from '@synack/scenarios';
import {
  type EndpointSpec,
  type ExportFormat,
  renderJsonLines,
  renderLadder,
  renderMermaid,
  type SynackEvent,
} from '@synack/scenarios';
import { encodePcap, fromHex, type TraceEvent } from '@synack/tcp-sim';
import { UserError } from './io.js';

export const RECORDED_SUFFIX = '.trace.jsonl';

export function isRecordedRun(target: string): boolean {
  return target.endsWith(RECORDED_SUFFIX);
}

export interface RecordedRun {
  readonly file: string;
  readonly events: readonly TraceEvent[];
  readonly endpoints: readonly EndpointSpec[];
}

/** Reads a recorded trace; a line that is not a trace event is an error naming the file and line. */
export function loadRecordedRun(target: string, cwd: string): RecordedRun {
  const file = resolve(cwd, target);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `cannot read '${target}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const events: TraceEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      throw new UserError(`${target}:${i + 1}: not JSON`);
    }
    if (
      typeof event !== 'object' ||
      event === null ||
      typeof (event as { type?: unknown }).type !== 'string' ||
      typeof (event as { time?: unknown }).time !== 'number'
    )
      throw new UserError(`${target}:${i + 1}: not a trace event (needs "type" and "time")`);
    events.push(event as TraceEvent);
  }
  const complete = withPacketBytes(events, file);
  return { file, events: complete, endpoints: endpointsOf(complete) };
}

/**
 * A trace recorded without packet bytes (the default: the pcap beside it has them) gets them back
 * from that pcap: its records are the `segment.sent` events' packets, in the same order.
 */
function withPacketBytes(events: TraceEvent[], file: string): TraceEvent[] {
  const sent = events.filter((e) => e.type === 'segment.sent');
  if (sent.length === 0 || sent.every((e) => e.bytes !== '')) return events;
  const pcapFile = `${file.slice(0, -RECORDED_SUFFIX.length)}.pcap`;
  if (!existsSync(pcapFile)) return events;
  const pcap = readFileSync(pcapFile);
  const packets: string[] = [];
  for (let at = 24; at + 16 <= pcap.length; ) {
    const length = pcap.readUInt32LE(at + 8);
    packets.push(pcap.subarray(at + 16, at + 16 + length).toString('hex'));
    at += 16 + length;
  }
  if (packets.length !== sent.length) return events;
  let i = 0;
  return events.map((e) => (e.type === 'segment.sent' ? { ...e, bytes: packets[i++]! } : e));
}

/**
 * The hosts of a recorded run, as the ladder draws them: from the connection ids
 * ('client:49152>server:80': the active opener first), addresses from the packets' IPv4 headers when
 * the trace carries bytes.
 */
function endpointsOf(events: readonly TraceEvent[]): EndpointSpec[] {
  const hosts = new Map<string, { role: 'client' | 'server'; port?: number; address?: string }>();
  const note = (name: string, role: 'client' | 'server', port?: number) => {
    if (!hosts.has(name)) hosts.set(name, { role, ...(port === undefined ? {} : { port }) });
  };
  for (const e of events) {
    if (e.type !== 'segment.sent') continue;
    const m = /^([^:>]+):(\d+)>([^:>]+):(\d+)$/.exec(e.conn);
    if (m) {
      note(m[1]!, 'client');
      note(m[3]!, 'server', Number(m[4]));
    }
    const from = hosts.get(e.from);
    if (from && from.address === undefined && e.bytes.length >= 40) {
      const src = fromHex(e.bytes.slice(24, 32));
      from.address = Array.from(src).join('.');
    }
  }
  return [...hosts].map(([name, h]) => ({
    name,
    role: h.role,
    address: h.address ?? name,
    ...(h.port === undefined ? {} : { port: h.port }),
    app: 'none' as const,
  }));
}

/** A recorded run in one of `synack export`'s formats. */
export function exportRecorded(
  run: RecordedRun,
  format: ExportFormat,
  options: { width?: number; lang?: LadderLang } = {},
): string | Uint8Array {
  const trace = run.events as unknown as readonly SynackEvent[];
  switch (format) {
    case 'jsonl':
      return renderJsonLines(trace);
    case 'mermaid':
      return renderMermaid(trace, run.endpoints);
    case 'text':
      return renderLadder(trace, run.endpoints, options);
    case 'pcap': {
      const beside = `${run.file.slice(0, -RECORDED_SUFFIX.length)}.pcap`;
      const withBytes = run.events.some((e) => e.type === 'segment.sent' && e.bytes !== '');
      if (withBytes) return encodePcap(run.events);
      if (existsSync(beside)) return readFileSync(beside);
      throw new UserError(`this trace carries no packet bytes and ${beside} is missing`);
    }
  }
}
