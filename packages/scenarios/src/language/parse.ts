/**
 * The scenario file format: YAML read into a validated `Scenario`.
 *
 * Top level: `name`, `title`, `description`, `seed`, `profile`, `until`, `link`, `endpoints`, `timeline`,
 * `faults`, `expect`. Each section has its own reader below. Endpoint names are checked after the
 * endpoints are read, so a misspelt `by: clinet` gets "did you mean 'client'".
 * The language is documented with examples in the package README.
 */

import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { expandAliases } from './aliases.js';
import { didYouMean } from './did-you-mean.js';
import { ScenarioError, ScenarioErrors } from './errors.js';
import { findDeepNesting } from './nesting.js';
import { readDeflate } from './parse-deflate.js';
import { readExpectations } from './parse-expect.js';
import { readFaults } from './parse-faults.js';
import { readLink } from './parse-link.js';
import { readProfile } from './parse-profile.js';
import { readTimeline } from './parse-timeline.js';
import { Reader, type YamlNode } from './reader.js';
import { MAX_SCENARIO_BYTES, tooLarge } from './source.js';
import type { EndpointSpec, Scenario, ServerApp } from './types.js';

const TOP_LEVEL = [
  'name',
  'title',
  'description',
  'seed',
  'profile',
  'until',
  'link',
  'endpoints',
  'timeline',
  'faults',
  'expect',
] as const;

const ENDPOINT_FIELDS = [
  'role',
  'address',
  'port',
  'backlog',
  'app',
  'maxMessageSize',
  'protocols',
  'deflate',
  'paused',
  'accepts',
  'mss',
] as const;

const DEFAULT_UNTIL = 10 * 60_000;

/** The names a scenario can use for its endpoints, checked wherever a step or expectation names one. */
export class EndpointNames {
  constructor(
    private readonly reader: Reader,
    readonly endpoints: readonly EndpointSpec[],
  ) {}

  check(name: string | undefined, node: YamlNode): string | undefined {
    if (name === undefined) return undefined;
    if (this.endpoints.some((e) => e.name === name)) return name;
    const names = this.endpoints.map((e) => e.name);
    return this.reader.fail(
      'SCENARIO_UNKNOWN_ENDPOINT',
      `no endpoint named '${name}'; the endpoints are: ${names.join(', ')}`,
      node,
      didYouMean(name, names),
    );
  }

  firstOf(role: 'client' | 'server'): string | undefined {
    return this.endpoints.find((e) => e.role === role)?.name;
  }

  roleOf(name: string): 'client' | 'server' | undefined {
    return this.endpoints.find((e) => e.name === name)?.role;
  }
}

/**
 * Parses and validates a scenario file. Throws `ScenarioErrors` listing every mistake, each with file,
 * line and column; never anything else for bad input.
 */
export function parseScenario(source: string, file = '<scenario>'): Scenario {
  if (source.length > MAX_SCENARIO_BYTES) throw tooLarge(source.length, file);
  const tooDeep = findDeepNesting(source, file);
  if (tooDeep !== undefined) throw new ScenarioErrors([tooDeep]);
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioErrors(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return new ScenarioError('SCENARIO_SYNTAX', firstLine(e.message), {
          file,
          line: pos.line,
          column: pos.col,
        });
      }),
    );
  }
  const reader = new Reader(file, lines);
  if (!expandAliases(doc, reader)) throw new ScenarioErrors(reader.errors);
  const scenario = readScenario(reader, doc.contents as YamlNode, file);
  if (reader.errors.length > 0 || scenario === undefined) {
    throw new ScenarioErrors(reader.errors.length > 0 ? reader.errors : [noScenario(file)]);
  }
  return scenario;
}

function readScenario(reader: Reader, root: YamlNode, file: string): Scenario | undefined {
  if (!isMap(root)) {
    return reader.fail(
      'SCENARIO_BAD_VALUE',
      'a scenario file is a mapping with name, timeline, expect...',
      root,
    );
  }
  const entries = reader.map(root, 'the scenario', TOP_LEVEL) ?? [];
  const field = (key: string) => entries.find((e) => e.key === key)?.value;
  const has = (key: string) => entries.some((e) => e.key === key);

  const name = has('name') ? reader.string(field('name'), 'name') : undefined;
  if (!has('name')) reader.fail('SCENARIO_MISSING_FIELD', "the scenario needs the field 'name'", root);
  const title = has('title') ? reader.string(field('title'), 'title') : name;
  const description = has('description') ? reader.string(field('description'), 'description') : '';
  const seed = has('seed')
    ? reader.number(field('seed'), 'seed', { min: 0, max: 2 ** 32 - 1, integer: true })
    : 1;
  const profile = has('profile') ? readProfile(reader, field('profile')) : 'rfc';
  const until = has('until') ? reader.duration(field('until'), 'until') : DEFAULT_UNTIL;

  const endpoints = has('endpoints') ? readEndpoints(reader, field('endpoints')) : defaultEndpoints();
  const names = new EndpointNames(reader, endpoints);
  const link = has('link') ? readLink(reader, field('link'), names) : {};
  const timeline = has('timeline') ? readTimeline(reader, field('timeline'), names) : [];
  const faults = has('faults') ? readFaults(reader, field('faults'), names) : [];
  const expect = has('expect') ? readExpectations(reader, field('expect'), names) : [];

  if (
    name === undefined ||
    title === undefined ||
    description === undefined ||
    seed === undefined ||
    profile === undefined ||
    until === undefined
  ) {
    return undefined;
  }
  return { name, title, description, seed, profile, until, link, endpoints, timeline, faults, expect, file };
}

/** The blog's pair: one browser-like client and one server on the blog's port 17122. */
export function defaultEndpoints(app: ServerApp = 'echo'): EndpointSpec[] {
  return [
    { name: 'client', role: 'client', address: '10.0.0.1', app: 'none' },
    { name: 'server', role: 'server', address: '10.0.0.2', port: 17122, backlog: 4, app },
  ];
}

function readEndpoints(reader: Reader, node: YamlNode): EndpointSpec[] {
  const endpoints: EndpointSpec[] = [];
  let nextHost = 1;
  for (const { key, keyNode, value } of reader.map(node, 'endpoints') ?? []) {
    const spec = readEndpoint(reader, key, value, nextHost++);
    if (spec === undefined) continue;
    const sameAddress = endpoints.find((e) => e.address === spec.address);
    if (sameAddress !== undefined) {
      reader.fail(
        'SCENARIO_BAD_VALUE',
        `endpoint '${key}' has the address ${spec.address} of endpoint '${sameAddress.name}'; each endpoint is a host with its own address`,
        keyNode,
      );
      continue;
    }
    endpoints.push({ ...spec, at: reader.locate(keyNode) });
  }
  if (endpoints.length === 0)
    reader.fail('SCENARIO_MISSING_FIELD', 'endpoints must declare at least one endpoint', node);
  return endpoints;
}

function readEndpoint(
  reader: Reader,
  name: string,
  node: YamlNode,
  hostNumber: number,
): EndpointSpec | undefined {
  const what = `endpoint '${name}'`;
  // `server: {}` and `client: {}` (or even `client:` with no value) take their role from their name.
  const entries =
    node === null || (isScalar(node) && node.value === null) ? [] : reader.map(node, what, ENDPOINT_FIELDS);
  if (entries === undefined) return undefined;
  const field = (key: string) => entries.find((e) => e.key === key)?.value;
  const inferred = name.startsWith('server') ? 'server' : name.startsWith('client') ? 'client' : undefined;
  const roleNode = field('role');
  const role =
    roleNode === undefined
      ? inferred
      : reader.oneOf(roleNode, `${what}: role`, ['client', 'server'] as const);
  if (role === undefined && roleNode === undefined) {
    reader.fail('SCENARIO_MISSING_FIELD', `${what} needs 'role: client' or 'role: server'`, node);
  }
  // Without a valid role the other fields are still checked (as a client's), so one pass reports all.
  const address =
    field('address') === undefined
      ? `10.0.0.${hostNumber}`
      : reader.string(field('address'), `${what}: address`);
  if (address !== undefined && !isIpv4(address)) {
    reader.fail(
      'SCENARIO_BAD_VALUE',
      `${what}: address must be an IPv4 address like 10.0.0.1 (four numbers 0-255), not '${address}'`,
      field('address'),
    );
  }
  const portNode = field('port');
  const port =
    portNode === undefined
      ? role === 'server'
        ? 17122
        : undefined
      : reader.number(portNode, `${what}: port`, { min: 1, max: 65535, integer: true });
  const backlogNode = field('backlog');
  const backlog =
    backlogNode === undefined
      ? undefined
      : reader.number(backlogNode, `${what}: backlog`, { min: 0, max: 1024, integer: true });
  const appNode = field('app');
  const app =
    appNode === undefined
      ? role === 'server'
        ? 'echo'
        : 'none'
      : reader.oneOf(appNode, `${what}: app`, ['echo', 'chat', 'none'] as const);
  const maxNode = field('maxMessageSize');
  const maxMessageSize =
    maxNode === undefined
      ? undefined
      : reader.number(maxNode, `${what}: maxMessageSize`, { min: 1, integer: true });
  const protocolsNode = field('protocols');
  const protocols =
    protocolsNode === undefined
      ? undefined
      : (reader.seq(protocolsNode, `${what}: protocols`) ?? []).map(
          (p) => reader.string(p, `${what}: protocol`) ?? '',
        );
  const deflateNode = field('deflate');
  const deflate = deflateNode === undefined ? undefined : readDeflate(reader, deflateNode, what);
  const pausedNode = field('paused');
  const paused = pausedNode === undefined ? undefined : reader.boolean(pausedNode, `${what}: paused`);
  const acceptsNode = field('accepts');
  const accepts = acceptsNode === undefined ? undefined : reader.boolean(acceptsNode, `${what}: accepts`);
  const mssNode = field('mss');
  const mss =
    mssNode === undefined
      ? undefined
      : reader.number(mssNode, `${what}: mss`, { min: 88, max: 65495, integer: true });
  if (role === undefined || address === undefined || app === undefined) return undefined;
  return {
    name,
    role,
    address,
    app,
    ...(port === undefined ? {} : { port }),
    ...(backlog === undefined ? {} : { backlog }),
    ...(maxMessageSize === undefined ? {} : { maxMessageSize }),
    ...(protocols === undefined ? {} : { protocols }),
    ...(deflate === undefined || deflate === false ? {} : { deflate }),
    ...(paused === undefined ? {} : { paused }),
    ...(accepts === undefined ? {} : { accepts }),
    ...(mss === undefined ? {} : { mss }),
  };
}

/** Dotted quad, each number 0-255 (tcp-sim takes nothing else). */
function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function noScenario(file: string): ScenarioError {
  return new ScenarioError('SCENARIO_BAD_VALUE', 'the file holds no scenario', { file, line: 1, column: 1 });
}
