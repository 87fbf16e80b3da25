/**
 * Scenarios from TypeScript: the same document a YAML file holds, typed, validated by the same parser
 * (so a mistake still names the field and suggests the nearest one), plus helpers for patterns.
 */
import { isScalar, LineCounter, parseDocument, stringify } from 'yaml';
import { ScenarioError, ScenarioErrors, type SourceLocation } from './language/errors.js';
import { EndpointNames, parseScenario } from './language/parse.js';
import { readSegmentPattern } from './language/parse-expect.js';
import { Reader } from './language/reader.js';
import type { EndpointSpec, Scenario, SegmentPattern, TcpStateName, WsStateName } from './language/types.js';

type Duration = number | `${number}${'ms' | 's' | 'min'}`;
type Who = string;
type PayloadInput =
  | string
  | { text?: string; hex?: string; size?: number; repeat?: number; binary?: boolean };
type FrameInput = {
  opcode: string | number;
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  masked?: boolean;
} & Exclude<PayloadInput, string>;
type StateCondition = Record<`${string}.tcp`, TcpStateName> | Record<`${string}.ws`, WsStateName>;
type Timing = { at?: Duration; after?: Duration; when?: StateCondition; timeout?: Duration };
type By = Who | { by?: Who };

export type StepInput = Timing &
  (
    | { listen: By }
    | { connect: Who | { by?: Who; to?: Who; port?: number } }
    | { open: Who | { by?: Who; to?: Who; port?: number; path?: string; protocols?: string[] } }
    | { send: PayloadInput | (Exclude<PayloadInput, string> & { by?: Who; fragments?: number }) }
    | { ping: PayloadInput | (Exclude<PayloadInput, string> & { by?: Who }) }
    | { close: Who | { by?: Who; code?: number; reason?: string } }
    | { frames: FrameInput[] | { by?: Who; frames: FrameInput[] } }
    | { raw: PayloadInput | (Exclude<PayloadInput, string> & { by?: Who }) }
    | { shutdown: By }
    | { abort: By }
    | { 'pause-reading': By }
    | { 'resume-reading': By }
    | { wait: Duration | StateCondition }
  );

type MatchInput = { from?: Who; to?: Who; flags?: string | string[]; nth?: number; payloadIncludes?: string };

export interface ScenarioInput {
  name: string;
  title?: string;
  description?: string;
  seed?: number;
  profile?: 'rfc' | 'linux' | ({ base?: 'rfc' | 'linux' } & Record<string, number | boolean | string>);
  until?: Duration;
  link?: Record<string, unknown>;
  endpoints?: Record<
    string,
    {
      role?: 'client' | 'server';
      address?: string;
      port?: number;
      backlog?: number;
      app?: 'echo' | 'chat' | 'none';
      maxMessageSize?: number;
      protocols?: string[];
      /** permessage-deflate (RFC 7692): true for the defaults, or its parameters. */
      deflate?:
        | boolean
        | {
            threshold?: number;
            serverNoContextTakeover?: boolean;
            clientNoContextTakeover?: boolean;
            serverMaxWindowBits?: number;
            clientMaxWindowBits?: number;
          };
      paused?: boolean;
      accepts?: boolean;
    }
  >;
  timeline?: StepInput[];
  faults?: Array<
    | { drop: MatchInput & { times?: number | 'all' } }
    | { duplicate: MatchInput & { times?: number | 'all' } }
    | { corrupt: MatchInput & { times?: number | 'all' } }
    | { delay: MatchInput & { duration: Duration; times?: number | 'all' } }
  >;
  expect?: Array<Record<string, unknown>>;
}

/**
 * Builds a validated scenario from a plain object shaped like a scenario file. Throws `ScenarioErrors`
 * placed at the caller's `defineScenario(...)` call (file:line:col of its source), each message naming
 * the field as the object reads in YAML.
 */
export function defineScenario(input: ScenarioInput): Scenario {
  const yaml = stringify(input);
  try {
    return parseScenario(yaml, `${input.name}.yaml`);
  } catch (error) {
    if (!(error instanceof ScenarioErrors)) throw error;
    throw atCaller(error, yaml, callerLocation());
  }
}

/**
 * The errors of an object scenario placed at the `defineScenario` call in the caller's source (there is
 * no YAML file to point at), each naming the field as it reads in the object's YAML form.
 */
function atCaller(error: ScenarioErrors, yaml: string, caller: SourceLocation | undefined): ScenarioErrors {
  if (caller === undefined) return error;
  const lines = yaml.split('\n');
  return new ScenarioErrors(
    error.errors.map((e) => {
      const written = lines[e.location.line - 1]?.trim();
      const where =
        written === undefined || written === '' ? '' : ` (at \`${written}\` in the scenario object)`;
      return new ScenarioError(e.code, `${e.message}${where}`, caller, e.suggestion);
    }),
  );
}

/** file:line:col of the first stack frame outside this module: the code that called defineScenario. */
function callerLocation(): SourceLocation | undefined {
  const here = import.meta.url;
  const herePath = here.startsWith('file://') ? fileURLToPathSafe(here) : here;
  for (const line of (new Error().stack ?? '').split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (match === null) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPathSafe(match[1]!) : match[1]!;
    if (file === herePath || file === here || file.startsWith('node:')) continue;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

function fileURLToPathSafe(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url;
  }
}

/** Parses `client>server SYN,ACK seq=0 ack=1` for the given endpoints; throws `ScenarioErrors`. */
export function segmentPattern(text: string, endpoints: readonly EndpointSpec[]): SegmentPattern {
  const lines = new LineCounter();
  const doc = parseDocument(JSON.stringify(text), { lineCounter: lines });
  const reader = new Reader('<pattern>', lines);
  const node = isScalar(doc.contents) ? doc.contents : null;
  const pattern = readSegmentPattern(reader, node, new EndpointNames(reader, endpoints));
  if (pattern === undefined || reader.errors.length > 0) throw new ScenarioErrors(reader.errors);
  return pattern;
}
