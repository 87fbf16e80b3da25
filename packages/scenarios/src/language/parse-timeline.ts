/**
 * `timeline:` a list of steps, each one action plus optional timing:
 *
 *     - at: 0
 *       open: { by: client, path: /chat }
 *     - when: { client.ws: OPEN }
 *       send: type=add&ming=Muxer
 *     - wait: 200ms
 *     - close: { by: client, code: 1000, reason: bye }
 *
 * Shorthands: an action whose value is an endpoint name (`abort: server`) means `by: server`; `send`,
 * `ping` and `raw` take a plain string as their text; `frames` takes the list of frames directly.
 */

import { Opcode } from '@synack/ws-frame';
import { isMap, isScalar, isSeq } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import type { EndpointNames } from './parse.js';
import { PAYLOAD_FIELDS, readPayload } from './payload.js';
import type { Entry, Reader, YamlNode } from './reader.js';
import {
  type Action,
  type ActionType,
  type Condition,
  type RawFrameSpec,
  TCP_STATES,
  type TimelineStep,
  type Timing,
  WS_STATES,
} from './types.js';

const TIMING_FIELDS = ['at', 'after', 'when', 'timeout'] as const;
export const ACTIONS: readonly ActionType[] = [
  'listen',
  'connect',
  'open',
  'send',
  'ping',
  'close',
  'frames',
  'raw',
  'shutdown',
  'abort',
  'pause-reading',
  'resume-reading',
  'wait',
];
/** Opcode names as RFC 6455 5.2 lists them, resolved to numbers here so a frame is always valid. */
const OPCODES = {
  continuation: Opcode.Continuation,
  text: Opcode.Text,
  binary: Opcode.Binary,
  close: Opcode.Close,
  ping: Opcode.Ping,
  pong: Opcode.Pong,
} as const;
const OPCODE_NAMES = Object.keys(OPCODES) as (keyof typeof OPCODES)[];

export function readTimeline(reader: Reader, node: YamlNode, names: EndpointNames): TimelineStep[] {
  const steps: TimelineStep[] = [];
  // The earliest virtual time the previous step can run at: steps run in order, so an `at` before it
  // would silently mean "right after the previous step", not the time written.
  let earliest = 0;
  for (const item of reader.seq(node, 'timeline') ?? []) {
    const step = readStep(reader, item, names);
    if (step === undefined) continue;
    const { at, after = 0 } = step.timing;
    if (at !== undefined && at < earliest) {
      reader.fail(
        'SCENARIO_BAD_VALUE',
        `at: ${at} ms is earlier than the step before it (${earliest} ms at the soonest); steps run in order`,
        item,
      );
    }
    earliest = at !== undefined ? Math.max(at, earliest) : earliest + after;
    steps.push(step);
  }
  return steps;
}

function readStep(reader: Reader, node: YamlNode, names: EndpointNames): TimelineStep | undefined {
  const entries = reader.map(node, 'a timeline step');
  if (entries === undefined) return undefined;
  const actionEntries = entries.filter((e) => !(TIMING_FIELDS as readonly string[]).includes(e.key));
  for (const entry of actionEntries) {
    if (!(ACTIONS as readonly string[]).includes(entry.key)) {
      reader.fail(
        'SCENARIO_UNKNOWN_ACTION',
        `unknown action '${entry.key}'; actions are: ${ACTIONS.join(', ')}`,
        entry.keyNode,
        didYouMeanAction(entry.key),
      );
      return undefined;
    }
  }
  if (actionEntries.length !== 1) {
    return reader.fail(
      'SCENARIO_MISSING_FIELD',
      `a timeline step needs exactly one action (one of: ${ACTIONS.join(', ')})`,
      node,
    );
  }
  const [actionEntry] = actionEntries as [Entry];
  const timing = readTiming(reader, entries, names);
  const waitTiming = actionEntry.key === 'wait' ? readWait(reader, actionEntry.value, names) : {};
  const action = readAction(reader, actionEntry, names);
  if (timing === undefined || waitTiming === undefined || action === undefined) return undefined;
  return { timing: { ...timing, ...waitTiming }, action, source: reader.locate(node) };
}

/** Typos, and the TCP words people reach for: FIN is `shutdown`, RST is `abort`. */
function didYouMeanAction(key: string): string | undefined {
  const aliases: Readonly<Record<string, ActionType>> = {
    fin: 'shutdown',
    rst: 'abort',
    reset: 'abort',
    end: 'shutdown',
  };
  return aliases[key.toLowerCase()] ?? didYouMean(key, ACTIONS);
}

function readTiming(reader: Reader, entries: readonly Entry[], names: EndpointNames): Timing | undefined {
  let timing: Timing = {};
  let ok = true;
  for (const { key, value } of entries) {
    if (key === 'at' || key === 'after' || key === 'timeout') {
      const ms = reader.duration(value, key);
      if (ms === undefined) ok = false;
      else timing = { ...timing, [key]: ms };
    } else if (key === 'when') {
      const when = readCondition(reader, value, names, 'when');
      if (when === undefined) ok = false;
      else timing = { ...timing, when };
    }
  }
  if (timing.at !== undefined && (timing.after !== undefined || timing.when !== undefined)) {
    reader.fail('SCENARIO_BAD_VALUE', "a step takes 'at' or 'after'/'when', not both", entries[0]?.keyNode);
    return undefined;
  }
  return ok ? timing : undefined;
}

/** `{ client.ws: OPEN }` or `{ server.tcp: CLOSE-WAIT }`: one endpoint, one layer, one state. */
export function readCondition(
  reader: Reader,
  node: YamlNode,
  names: EndpointNames,
  what: string,
): Condition | undefined {
  const entries = reader.map(node, what);
  if (entries === undefined) return undefined;
  if (entries.length !== 1) {
    return reader.fail('SCENARIO_BAD_VALUE', `${what} takes one condition, like { client.ws: OPEN }`, node);
  }
  return conditionFromEntry(reader, entries[0] as Entry, names, what);
}

/** One `endpoint.layer: STATE` entry as a condition. */
export function conditionFromEntry(
  reader: Reader,
  entry: Entry,
  names: EndpointNames,
  what: string,
): Condition | undefined {
  const { key, keyNode, value } = entry;
  const match = /^(.+)\.(tcp|ws)$/.exec(key);
  if (!match) {
    return reader.fail(
      'SCENARIO_BAD_VALUE',
      `${what}: write <endpoint>.tcp or <endpoint>.ws, like client.ws`,
      keyNode,
    );
  }
  const endpoint = names.check(match[1], keyNode);
  if (match[2] === 'tcp') {
    const tcp = reader.oneOf(value, key, TCP_STATES);
    return endpoint && tcp ? { endpoint, tcp } : undefined;
  }
  const ws = reader.oneOf(value, key, WS_STATES);
  return endpoint && ws ? { endpoint, ws } : undefined;
}

function readWait(reader: Reader, node: YamlNode, names: EndpointNames): Timing | undefined {
  if (isMap(node)) {
    const when = readCondition(reader, node, names, 'wait');
    return when && { when };
  }
  const after = reader.duration(node, 'wait');
  return after === undefined ? undefined : { after };
}

/** The fields of an action's mapping, or none when it was given as a shorthand scalar or list. */
function fieldsOf(
  reader: Reader,
  entry: Entry,
  allowed: readonly string[],
): Map<string, YamlNode> | undefined {
  if (!isMap(entry.value)) return new Map();
  const entries = reader.map(entry.value, `'${entry.key}'`, allowed);
  return entries && new Map(entries.map((e) => [e.key, e.value]));
}

function readAction(reader: Reader, entry: Entry, names: EndpointNames): Action | undefined {
  const type = entry.key as ActionType;
  const byDefault = type === 'listen' ? names.firstOf('server') : names.firstOf('client');
  const by = (fields: Map<string, YamlNode>, scalarIsBy: boolean): string | undefined => {
    const node = fields.get('by') ?? (scalarIsBy && isScalar(entry.value) ? entry.value : undefined);
    if (node === undefined) return byDefault ?? names.check('client', entry.keyNode);
    return names.check(reader.string(node, `${type}: by`), node);
  };
  switch (type) {
    case 'wait':
      return { type };
    case 'listen':
    case 'shutdown':
    case 'abort':
    case 'pause-reading':
    case 'resume-reading': {
      const fields = fieldsOf(reader, entry, ['by']);
      const who = fields && by(fields, true);
      return who === undefined ? undefined : { type, by: who };
    }
    case 'connect':
    case 'open': {
      const fields = fieldsOf(
        reader,
        entry,
        type === 'open' ? ['by', 'to', 'port', 'path', 'protocols'] : ['by', 'to', 'port'],
      );
      if (fields === undefined) return undefined;
      const who = by(fields, true);
      const toNode = fields.get('to');
      const to =
        toNode === undefined
          ? names.firstOf('server')
          : names.check(reader.string(toNode, `${type}: to`), toNode);
      const portNode = fields.get('port');
      const port =
        portNode === undefined
          ? undefined
          : reader.number(portNode, `${type}: port`, { min: 1, max: 65535, integer: true });
      if (who === undefined || to === undefined || (portNode !== undefined && port === undefined))
        return undefined;
      const target = { by: who, to, ...(port === undefined ? {} : { port }) };
      if (type === 'connect') return { type, ...target };
      const pathNode = fields.get('path');
      const path = pathNode === undefined ? '/' : reader.string(pathNode, 'open: path');
      const protocolsNode = fields.get('protocols');
      const protocols =
        protocolsNode === undefined
          ? []
          : (reader.seq(protocolsNode, 'open: protocols') ?? []).map(
              (p) => reader.string(p, 'open: protocol') ?? '',
            );
      if (path === undefined || !path.startsWith('/')) {
        return reader.fail('SCENARIO_BAD_VALUE', "open: path must start with '/'", pathNode);
      }
      return { type, ...target, path, protocols };
    }
    case 'send':
    case 'ping':
    case 'raw': {
      const extra = type === 'send' ? ['by', 'fragments'] : ['by'];
      const fields = fieldsOf(reader, entry, [...extra, ...PAYLOAD_FIELDS]);
      if (fields === undefined) return undefined;
      const who = by(fields, false);
      const payload = readPayload(reader, entry.value, fields, type);
      if (who === undefined || payload === undefined) return undefined;
      if (type === 'ping') {
        if (payload.bytes.length > 125) {
          return reader.fail(
            'SCENARIO_BAD_VALUE',
            'ping: RFC 6455 5.5 limits control payloads to 125 bytes',
            entry.value,
          );
        }
        return { type, by: who, payload: payload.bytes };
      }
      if (type === 'raw') return { type, by: who, bytes: payload.bytes };
      const fragmentsNode = fields.get('fragments');
      const fragments =
        fragmentsNode === undefined
          ? 1
          : reader.number(fragmentsNode, 'send: fragments', { min: 1, max: 65536, integer: true });
      if (fragments === undefined) return undefined;
      if (payload.kind === 'text' && payload.text === undefined) {
        return reader.fail(
          'SCENARIO_BAD_VALUE',
          "send: text messages take 'text' or 'size'; use 'frames' for raw bytes",
          entry.value,
        );
      }
      return {
        type,
        by: who,
        fragments,
        payload:
          payload.kind === 'text'
            ? { kind: 'text', text: payload.text ?? '' }
            : { kind: 'binary', bytes: payload.bytes },
      };
    }
    case 'close': {
      const fields = fieldsOf(reader, entry, ['by', 'code', 'reason']);
      if (fields === undefined) return undefined;
      const who = by(fields, true);
      const codeNode = fields.get('code');
      const code =
        codeNode === undefined
          ? undefined
          : reader.number(codeNode, 'close: code', { min: 0, max: 65535, integer: true });
      const reasonNode = fields.get('reason');
      const reason = reasonNode === undefined ? undefined : reader.string(reasonNode, 'close: reason');
      if (who === undefined || (codeNode !== undefined && code === undefined)) return undefined;
      return {
        type,
        by: who,
        ...(code === undefined ? {} : { code }),
        ...(reason === undefined ? {} : { reason }),
      };
    }
    case 'frames': {
      const fields = isSeq(entry.value)
        ? new Map<string, YamlNode>([['frames', entry.value]])
        : fieldsOf(reader, entry, ['by', 'frames']);
      if (fields === undefined) return undefined;
      const who = by(fields, false);
      const framesNode = fields.get('frames');
      if (framesNode === undefined)
        return reader.fail('SCENARIO_MISSING_FIELD', 'frames needs a list of frames', entry.value);
      const frames = (reader.seq(framesNode, 'frames') ?? []).map((f) => readFrame(reader, f));
      if (who === undefined || frames.some((f) => f === undefined)) return undefined;
      return { type, by: who, frames: frames as RawFrameSpec[] };
    }
  }
}

const FRAME_FIELDS = ['opcode', 'fin', 'rsv1', 'rsv2', 'rsv3', 'masked', ...PAYLOAD_FIELDS] as const;

function readFrame(reader: Reader, node: YamlNode): RawFrameSpec | undefined {
  const entries = reader.map(node, 'a frame', FRAME_FIELDS);
  if (entries === undefined) return undefined;
  const fields = new Map(entries.map((e) => [e.key, e.value]));
  const opcodeNode = fields.get('opcode');
  if (opcodeNode === undefined)
    return reader.fail('SCENARIO_MISSING_FIELD', "a frame needs an 'opcode'", node);
  const named =
    isScalar(opcodeNode) && typeof opcodeNode.value === 'number'
      ? undefined
      : reader.oneOf(opcodeNode, 'frame opcode', OPCODE_NAMES);
  const opcode =
    named !== undefined
      ? OPCODES[named]
      : isScalar(opcodeNode) && typeof opcodeNode.value === 'number'
        ? reader.number(opcodeNode, 'frame opcode', { min: 0, max: 15, integer: true })
        : undefined;
  const flag = (key: string, fallback: boolean) => {
    const n = fields.get(key);
    return n === undefined ? fallback : reader.boolean(n, `frame ${key}`);
  };
  const fin = flag('fin', true);
  const rsv1 = flag('rsv1', false);
  const rsv2 = flag('rsv2', false);
  const rsv3 = flag('rsv3', false);
  const maskedNode = fields.get('masked');
  const masked = maskedNode === undefined ? undefined : reader.boolean(maskedNode, 'frame masked');
  const hasPayload = PAYLOAD_FIELDS.some((k) => k !== 'repeat' && k !== 'binary' && fields.has(k));
  const payload = hasPayload ? readPayload(reader, node, fields, 'frame') : { bytes: new Uint8Array(0) };
  if (
    opcode === undefined ||
    fin === undefined ||
    rsv1 === undefined ||
    rsv2 === undefined ||
    rsv3 === undefined
  )
    return undefined;
  if (payload === undefined || (maskedNode !== undefined && masked === undefined)) return undefined;
  return {
    opcode,
    fin,
    rsv: [rsv1, rsv2, rsv3],
    payload: payload.bytes,
    ...(masked === undefined ? {} : { masked }),
  };
}
