/**
 * `expect:` what must hold after (or during) the run:
 *
 *     expect:
 *       - state: { client.tcp: TIME-WAIT, server.tcp: CLOSED, client.ws: CLOSED }
 *       - state: { server.tcp: SYN-RCVD }
 *         at: 5ms
 *       - segments:                       # in order; other segments may come between
 *           - client>server SYN seq=0
 *           - server>client SYN,ACK seq=0 ack=1
 *           - client>server ACK seq=1 ack=1
 *       - received: { server: [type=add&ming=Muxer], client: [{ length: 65536 }] }
 *       - close-code: { client: 1000, server: 1000 }
 *       - delivered-intact: client>server
 *       - no-timers-left: true
 *       - count: { event: segment.dropped, flags: SYN, min: 1, max: 1 }
 *       - error: { client: ECONNREFUSED }
 *
 * Segment patterns: `from>to FLAGS` then any of `seq=N ack=N len=N` (relative to each side's ISN, as
 * Wireshark shows them), `carries=http|text|binary|close|ping|pong|continuation`, `retransmission`.
 * `segments: { exactly: [...] }` demands the whole sequence, nothing between.
 */
import { isMap, isScalar } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import type { EndpointNames } from './parse.js';
import { MATCH_FIELDS, readSegmentMatch } from './parse-faults.js';
import { conditionFromEntry } from './parse-timeline.js';
import type { Entry, Reader, YamlNode } from './reader.js';
import {
  type Expectation,
  type LocatedExpectation,
  type MessageMatch,
  type SegmentPattern,
  TCP_FLAGS,
  type TcpFlagName,
} from './types.js';

const EXPECTATIONS = [
  'state',
  'segments',
  'received',
  'close-code',
  'delivered-intact',
  'no-timers-left',
  'count',
  'error',
] as const;
const CARRIES = ['http', 'text', 'binary', 'close', 'ping', 'pong', 'continuation'];

export function readExpectations(reader: Reader, node: YamlNode, names: EndpointNames): LocatedExpectation[] {
  const out: LocatedExpectation[] = [];
  for (const item of reader.seq(node, 'expect') ?? []) {
    const entries = reader.map(item, 'an expectation', [...EXPECTATIONS, 'at']);
    if (entries === undefined) continue;
    const kinds = entries.filter((e) => e.key !== 'at');
    if (kinds.length !== 1) {
      reader.fail('SCENARIO_BAD_VALUE', `an expectation is one of: ${EXPECTATIONS.join(', ')}`, item);
      continue;
    }
    const atEntry = entries.find((e) => e.key === 'at');
    const at = atEntry === undefined ? undefined : reader.duration(atEntry.value, 'at');
    const kind = kinds[0] as Entry;
    if (atEntry !== undefined && kind.key !== 'state') {
      reader.fail('SCENARIO_BAD_VALUE', "'at' goes with 'state' expectations only", atEntry.keyNode);
      continue;
    }
    for (const expectation of readExpectation(reader, kind, names, at)) {
      out.push({ expectation, source: reader.locate(item) });
    }
  }
  return out;
}

function readExpectation(
  reader: Reader,
  entry: Entry,
  names: EndpointNames,
  at: number | undefined,
): Expectation[] {
  const { key, value } = entry;
  switch (key as (typeof EXPECTATIONS)[number]) {
    case 'state':
      return perEndpointState(reader, value, names, at);
    case 'segments':
      return readSegmentsExpectation(reader, value, names);
    case 'received':
      return perEndpoint(reader, value, names, 'received', (endpoint, node) => {
        const messages = (reader.seq(node, `received: ${endpoint}`) ?? []).map((m) =>
          readMessageMatch(reader, m),
        );
        return messages.every((m) => m !== undefined) ? { type: 'received', endpoint, messages } : undefined;
      });
    case 'close-code':
      return perEndpoint(reader, value, names, 'close-code', (endpoint, node) => {
        const code = reader.number(node, `close-code: ${endpoint}`, { min: 0, max: 65535, integer: true });
        return code === undefined ? undefined : { type: 'close-code', endpoint, code };
      });
    case 'error':
      return perEndpoint(reader, value, names, 'error', (endpoint, node) => {
        const code = reader.string(node, `error: ${endpoint}`);
        return code === undefined ? undefined : { type: 'error', endpoint, code };
      });
    case 'delivered-intact': {
      const text = reader.string(value, 'delivered-intact');
      const parts = text?.split('>') ?? [];
      if (parts.length !== 2) {
        reader.fail('SCENARIO_BAD_VALUE', 'delivered-intact takes a direction like client>server', value);
        return [];
      }
      const from = names.check(parts[0], value);
      const to = names.check(parts[1], value);
      return from && to ? [{ type: 'delivered-intact', from, to }] : [];
    }
    case 'no-timers-left': {
      const flag = reader.boolean(value, 'no-timers-left');
      return flag ? [{ type: 'no-timers-left' }] : [];
    }
    case 'count':
      return readCount(reader, value, names);
  }
}

function perEndpoint(
  reader: Reader,
  node: YamlNode,
  names: EndpointNames,
  what: string,
  read: (endpoint: string, node: YamlNode) => Expectation | undefined,
): Expectation[] {
  const out: Expectation[] = [];
  for (const { key, keyNode, value } of reader.map(node, what) ?? []) {
    const endpoint = names.check(key, keyNode);
    const expectation = endpoint === undefined ? undefined : read(endpoint, value);
    if (expectation) out.push(expectation);
  }
  return out;
}

function perEndpointState(
  reader: Reader,
  node: YamlNode,
  names: EndpointNames,
  at: number | undefined,
): Expectation[] {
  const out: Expectation[] = [];
  for (const entry of reader.map(node, 'state') ?? []) {
    const condition = conditionFromEntry(reader, entry, names, 'state');
    if (condition === undefined) continue;
    const timed = at === undefined ? {} : { at };
    if (condition.tcp)
      out.push({ type: 'state', endpoint: condition.endpoint, tcp: condition.tcp, ...timed });
    if (condition.ws)
      out.push({ type: 'ready-state', endpoint: condition.endpoint, ws: condition.ws, ...timed });
  }
  return out;
}

function readMessageMatch(reader: Reader, node: YamlNode): MessageMatch | undefined {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
    return { text: String(node.value) };
  }
  const entries = reader.map(node, 'a message', ['text', 'length', 'kind']);
  if (entries === undefined) return undefined;
  let match: MessageMatch = {};
  for (const { key, value } of entries) {
    if (key === 'text') {
      const text = reader.string(value, 'message text');
      if (text === undefined) return undefined;
      match = { ...match, text };
    } else if (key === 'length') {
      const length = reader.number(value, 'message length', { min: 0, integer: true });
      if (length === undefined) return undefined;
      match = { ...match, length };
    } else {
      const kind = reader.oneOf(value, 'message kind', ['text', 'binary'] as const);
      if (kind === undefined) return undefined;
      match = { ...match, kind };
    }
  }
  return match;
}

function readSegmentsExpectation(reader: Reader, node: YamlNode, names: EndpointNames): Expectation[] {
  let mode: 'in-order' | 'exactly' = 'in-order';
  let list = node;
  if (isMap(node)) {
    const entries = reader.map(node, 'segments', ['exactly', 'in-order']) ?? [];
    const first = entries[0];
    if (entries.length !== 1 || first === undefined) {
      reader.fail('SCENARIO_BAD_VALUE', 'segments takes a list, or { exactly: [...] }', node);
      return [];
    }
    mode = first.key as 'in-order' | 'exactly';
    list = first.value;
  }
  const patterns = (reader.seq(list, 'segments') ?? []).map((item) =>
    readSegmentPattern(reader, item, names),
  );
  if (patterns.some((p) => p === undefined)) return [];
  return [{ type: 'segments', mode, patterns: patterns as SegmentPattern[] }];
}

/** `client>server SYN,ACK seq=0 ack=1 len=0 carries=text retransmission` */
export function readSegmentPattern(
  reader: Reader,
  node: YamlNode,
  names: EndpointNames,
): SegmentPattern | undefined {
  const text = reader.string(node, 'a segment pattern');
  if (text === undefined) return undefined;
  const [direction = '', flagWord = '', ...rest] = text.trim().split(/\s+/);
  const ends = direction.split('>');
  if (ends.length !== 2) {
    return reader.fail(
      'SCENARIO_BAD_VALUE',
      `segment pattern '${text}' must start with a direction like client>server`,
      node,
    );
  }
  const from = names.check(ends[0], node);
  const to = names.check(ends[1], node);
  const flags: TcpFlagName[] = [];
  for (const word of flagWord === 'none' ? [] : flagWord.toUpperCase().split(/[,+]/)) {
    if (!(TCP_FLAGS as readonly string[]).includes(word)) {
      return reader.fail(
        'SCENARIO_BAD_VALUE',
        `segment pattern '${text}': '${word}' is not a TCP flag (${TCP_FLAGS.join(', ')})`,
        node,
        didYouMean(word, TCP_FLAGS),
      );
    }
    flags.push(word as TcpFlagName);
  }
  let pattern: SegmentPattern = { from: from ?? '', to: to ?? '', flags, text };
  for (const word of rest) {
    const [name = '', raw] = word.split('=');
    if (name === 'retransmission' && raw === undefined) {
      pattern = { ...pattern, retransmission: true };
    } else if (
      (name === 'seq' || name === 'ack' || name === 'len') &&
      raw !== undefined &&
      /^\d+$/.test(raw)
    ) {
      pattern = { ...pattern, [name]: Number(raw) };
    } else if (name === 'carries' && raw !== undefined && CARRIES.includes(raw)) {
      pattern = { ...pattern, carries: raw };
    } else {
      return reader.fail(
        'SCENARIO_BAD_VALUE',
        `segment pattern '${text}': '${word}' is not seq=N, ack=N, len=N, carries=${CARRIES.join('|')} or retransmission`,
        node,
        didYouMean(name, ['seq', 'ack', 'len', 'carries', 'retransmission']),
      );
    }
  }
  return from && to ? pattern : undefined;
}

function readCount(reader: Reader, node: YamlNode, names: EndpointNames): Expectation[] {
  const entries = reader.map(node, 'count', ['event', 'min', 'max', ...MATCH_FIELDS]);
  if (entries === undefined) return [];
  const fields = new Map(entries.map((e) => [e.key, e.value]));
  const eventNode = fields.get('event');
  const event = eventNode === undefined ? 'segment.sent' : reader.string(eventNode, 'count: event');
  const bound = (key: 'min' | 'max') => {
    const n = fields.get(key);
    return n === undefined ? undefined : reader.number(n, `count: ${key}`, { min: 0, integer: true });
  };
  const min = bound('min');
  const max = bound('max');
  const match = readSegmentMatch(reader, fields, names, 'count');
  if (min === undefined && max === undefined) {
    reader.fail('SCENARIO_MISSING_FIELD', "count needs 'min' or 'max' (or both)", node);
    return [];
  }
  if (event === undefined || match === undefined) return [];
  return [
    {
      type: 'count',
      event,
      match,
      ...(min === undefined ? {} : { min }),
      ...(max === undefined ? {} : { max }),
    },
  ];
}
