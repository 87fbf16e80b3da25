/**
 * `faults:` scripted link faults, each one action and a predicate over segments:
 *
 *     faults:
 *       - drop: { from: client, flags: SYN }             # the first SYN from the client is lost
 *       - delay: { duration: 2s, nth: 3 }                # the 3rd segment on the link arrives 2 s late
 *       - corrupt: { from: server, flags: FIN, times: 1 }
 *       - drop: { from: client, seq: { from: 1001, to: 3001 }, times: all }   # relative SEQ range
 *       - drop: { time: { from: 100ms }, times: all }   # every segment sent from t = 100 ms on
 *
 * `flags` names flags that must all be set (`SYN,ACK` or a list; others may be set too, so `ACK`
 * matches FIN,ACK as well); `nth` picks the nth matching segment (1-based);
 * `times` is how many matching segments the fault hits (default 1, `all` for every one).
 * Faults alone also select by `seq` (SEG.SEQ relative to the sender's ISN: a number, or
 * `{ from, to }` with `to` excluded) and by `time` (virtual send time, `{ from, to }` durations).
 */
import { isScalar } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import type { EndpointNames } from './parse.js';
import type { Entry, Reader, YamlNode } from './reader.js';
import { type FaultAction, type FaultSpec, type SegmentMatch, TCP_FLAGS, type TcpFlagName } from './types.js';

const FAULT_ACTIONS = ['drop', 'duplicate', 'corrupt', 'delay'] as const;
export const MATCH_FIELDS = ['from', 'to', 'flags', 'nth', 'payloadIncludes'] as const;

export function readFaults(reader: Reader, node: YamlNode, names: EndpointNames): FaultSpec[] {
  const faults: FaultSpec[] = [];
  for (const item of reader.seq(node, 'faults') ?? []) {
    const entries = reader.map(item, 'a fault', FAULT_ACTIONS);
    if (entries === undefined) continue;
    if (entries.length !== 1) {
      reader.fail('SCENARIO_BAD_VALUE', `a fault is one of: ${FAULT_ACTIONS.join(', ')}`, item);
      continue;
    }
    const fault = readFault(reader, entries[0] as Entry, names);
    if (fault) faults.push({ ...fault, source: reader.locate(item) });
  }
  return faults;
}

function readFault(
  reader: Reader,
  entry: Entry,
  names: EndpointNames,
): Omit<FaultSpec, 'source'> | undefined {
  const extra = entry.key === 'delay' ? ['duration', 'times', ...FAULT_ONLY] : ['times', ...FAULT_ONLY];
  const fields = reader.map(entry.value, `'${entry.key}'`, [...MATCH_FIELDS, ...extra]);
  if (fields === undefined) return undefined;
  const byKey = new Map(fields.map((f) => [f.key, f.value]));
  const match = readSegmentMatch(reader, byKey, names, entry.key);
  const timesNode = byKey.get('times');
  const times =
    timesNode === undefined
      ? 1
      : isScalar(timesNode) && timesNode.value === 'all'
        ? Number.POSITIVE_INFINITY
        : reader.number(timesNode, `${entry.key}: times`, { min: 1, integer: true });
  let action: FaultAction | undefined = entry.key as 'drop' | 'duplicate' | 'corrupt';
  if (entry.key === 'delay') {
    const durationNode = byKey.get('duration');
    const duration =
      durationNode === undefined
        ? reader.fail('SCENARIO_MISSING_FIELD', "delay needs a 'duration'", entry.value)
        : reader.duration(durationNode, 'delay: duration');
    action = duration === undefined ? undefined : { delay: duration };
  }
  const seqNode = byKey.get('seq');
  const seq = seqNode === undefined ? undefined : readRange(reader, seqNode, `${entry.key}: seq`, false);
  const timeNode = byKey.get('time');
  const time = timeNode === undefined ? undefined : readRange(reader, timeNode, `${entry.key}: time`, true);
  if (match === undefined || times === undefined || action === undefined) return undefined;
  if ((seqNode !== undefined && seq === undefined) || (timeNode !== undefined && time === undefined))
    return undefined;
  return {
    match: { ...match, ...(seq === undefined ? {} : { seq }), ...(time === undefined ? {} : { time }) },
    action,
    times,
  };
}

/** Selectors only a fault has (a `count` expectation reads the trace, where they mean nothing new). */
const FAULT_ONLY = ['seq', 'time'] as const;

/**
 * `seq: 1001` (exactly that SEQ) or `{ from: 1001, to: 3001 }`; `time: { from: 100ms, to: 2s }`.
 * Either end may be left out; `to` is excluded and must be above `from`.
 */
function readRange(
  reader: Reader,
  node: YamlNode,
  what: string,
  durations: boolean,
): { from?: number; to?: number } | undefined {
  const read = (n: YamlNode, w: string) =>
    durations ? reader.duration(n, w) : reader.number(n, w, { min: 0, max: 0xffffffff, integer: true });
  if (!durations && isScalar(node)) {
    const at = read(node, what);
    return at === undefined ? undefined : { from: at, to: at + 1 };
  }
  const fields = reader.map(node, what, ['from', 'to']);
  if (fields === undefined) return undefined;
  const byKey = new Map(fields.map((f) => [f.key, f.value]));
  const fromNode = byKey.get('from');
  const toNode = byKey.get('to');
  const from = fromNode === undefined ? undefined : read(fromNode, `${what}: from`);
  const to = toNode === undefined ? undefined : read(toNode, `${what}: to`);
  if ((fromNode !== undefined && from === undefined) || (toNode !== undefined && to === undefined))
    return undefined;
  if (from === undefined && to === undefined)
    return reader.fail('SCENARIO_MISSING_FIELD', `${what} needs 'from' or 'to'`, node);
  if (from !== undefined && to !== undefined && !(from < to))
    return reader.fail('SCENARIO_BAD_VALUE', `${what}: 'to' must be above 'from'`, node);
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

export function readSegmentMatch(
  reader: Reader,
  fields: ReadonlyMap<string, YamlNode>,
  names: EndpointNames,
  what: string,
): SegmentMatch | undefined {
  let ok = true;
  const endpoint = (key: 'from' | 'to') => {
    const node = fields.get(key);
    if (node === undefined) return undefined;
    const name = names.check(reader.string(node, `${what}: ${key}`), node);
    if (name === undefined) ok = false;
    return name;
  };
  const from = endpoint('from');
  const to = endpoint('to');
  const flagsNode = fields.get('flags');
  const flags = flagsNode === undefined ? undefined : readFlags(reader, flagsNode, `${what}: flags`);
  if (flagsNode !== undefined && flags === undefined) ok = false;
  const nthNode = fields.get('nth');
  const nth =
    nthNode === undefined ? undefined : reader.number(nthNode, `${what}: nth`, { min: 1, integer: true });
  if (nthNode !== undefined && nth === undefined) ok = false;
  const payloadNode = fields.get('payloadIncludes');
  const payloadIncludes =
    payloadNode === undefined ? undefined : reader.string(payloadNode, `${what}: payloadIncludes`);
  if (payloadNode !== undefined && payloadIncludes === undefined) ok = false;
  if (!ok) return undefined;
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(flags === undefined ? {} : { flags }),
    ...(nth === undefined ? {} : { nth }),
    ...(payloadIncludes === undefined ? {} : { payloadIncludes }),
  };
}

/** `SYN,ACK`, `SYN+ACK`, `[SYN, ACK]` or `none` (a segment with no flags at all). */
export function readFlags(reader: Reader, node: YamlNode, what: string): TcpFlagName[] | undefined {
  const words =
    isScalar(node) && typeof node.value === 'string'
      ? node.value.split(/[,+\s]+/).filter((w) => w.length > 0)
      : (reader.seq(node, what) ?? []).map((n) => (isScalar(n) ? String(n.value) : ''));
  if (words.length === 1 && words[0] === 'none') return [];
  const flags: TcpFlagName[] = [];
  for (const word of words.map((w) => w.toUpperCase())) {
    if (!(TCP_FLAGS as readonly string[]).includes(word)) {
      return reader.fail(
        'SCENARIO_BAD_VALUE',
        `${what}: '${word}' is not a TCP flag (${TCP_FLAGS.join(', ')})`,
        node,
        didYouMean(word, TCP_FLAGS),
      );
    }
    flags.push(word as TcpFlagName);
  }
  return flags;
}
