import { describe, expect, test } from 'vitest';
import { ScenarioErrors } from '../src/language/errors.js';
import { parseScenario } from '../src/language/parse.js';

/** Parses and returns the first error, failing the test if the file was accepted. */
function firstError(source: string) {
  try {
    parseScenario(source, 'broken.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioErrors);
    const [first] = (error as ScenarioErrors).errors;
    if (first === undefined) throw new Error('ScenarioErrors with no errors');
    return first;
  }
  throw new Error('the broken file was accepted');
}

const base = 'name: t\n';

// Each row: a broken file, where the error must point (line:column), what it must say, and the
// suggestion it must make, if any. Line and column are 1-based, as editors count.
const cases: ReadonlyArray<{
  why: string;
  source: string;
  at: string;
  says: string;
  suggests?: string;
}> = [
  {
    why: 'YAML syntax: unclosed flow map',
    source: `${base}link: { delay: 5ms\n`,
    at: '3:1',
    says: 'end with a }',
  },
  {
    why: 'YAML syntax: bad indentation',
    source: `${base}timeline:\n  - open: client\n   send: hi\n`,
    at: '4:1',
    says: 'without - indicator',
  },
  { why: 'duplicate key', source: `${base}seed: 1\nseed: 2\n`, at: '3:1', says: 'Map keys must be unique' },
  { why: 'not a mapping at the top', source: '- a\n- b\n', at: '1:1', says: 'a scenario file is a mapping' },
  { why: 'missing name', source: 'seed: 1\n', at: '1:1', says: "needs the field 'name'" },
  {
    why: 'unknown top-level field',
    source: `${base}timelime: []\n`,
    at: '2:1',
    says: "unknown field 'timelime'",
    suggests: 'timeline',
  },
  { why: 'seed not a number', source: `${base}seed: abc\n`, at: '2:7', says: 'seed must be a number' },
  { why: 'seed negative', source: `${base}seed: -4\n`, at: '2:7', says: 'seed must be at least 0' },
  { why: 'seed fractional', source: `${base}seed: 1.5\n`, at: '2:7', says: 'whole number' },
  {
    why: 'unknown profile',
    source: `${base}profile: linx\n`,
    at: '2:10',
    says: 'profile must be one of: rfc, linux',
    suggests: 'linux',
  },
  {
    why: 'unknown profile field',
    source: `${base}profile: { base: linux, mls: 5s }\n`,
    at: '2:25',
    says: "unknown field 'mls'",
    suggests: 'msl',
  },
  {
    why: 'profile switch not a boolean',
    source: `${base}profile: { nagle: often }\n`,
    at: '2:19',
    says: 'must be true or false',
  },
  {
    why: 'profile choice misspelt',
    source: `${base}profile: { rstInTimeWait: ignor }\n`,
    at: '2:27',
    says: 'must be one of: close, ignore',
    suggests: 'ignore',
  },
  {
    why: 'profile rejected by tcp-sim',
    source: `${base}profile: { rtoMin: 5s, rtoMax: 1s }\n`,
    at: '2:10',
    says: 'profile: profile.rtoMin must not exceed',
  },
  { why: 'bad duration', source: `${base}until: soon\n`, at: '2:8', says: 'duration such as 200ms' },
  { why: 'loss above 1', source: `${base}link: { loss: 1.5 }\n`, at: '2:15', says: 'at most 1' },
  {
    why: 'unknown link field',
    source: `${base}link: { delya: 5ms }\n`,
    at: '2:9',
    says: "unknown field 'delya'",
    suggests: 'delay',
  },
  {
    why: 'link direction with unknown endpoint',
    source: `${base}link:\n  client>sever: { loss: 0.1 }\n`,
    at: '3:3',
    says: "unknown field 'client>sever'",
    suggests: 'client>server',
  },
  {
    why: 'endpoint without a role',
    source: `${base}endpoints:\n  alice: { address: 10.0.0.9 }\n`,
    at: '3:10',
    says: "needs 'role: client'",
  },
  {
    why: 'endpoint bad address',
    source: `${base}endpoints:\n  client: { address: localhost }\n  server: {}\n`,
    at: '3:22',
    says: 'IPv4 address',
  },
  {
    why: 'endpoint port out of range',
    source: `${base}endpoints:\n  server: { port: 70000 }\n`,
    at: '3:19',
    says: 'at most 65535',
  },
  {
    why: 'endpoint unknown app',
    source: `${base}endpoints:\n  server: { app: echoo }\n`,
    at: '3:18',
    says: 'app must be one of',
    suggests: 'echo',
  },
  {
    why: 'timeline not a list',
    source: `${base}timeline: open\n`,
    at: '2:11',
    says: 'timeline must be a list',
  },
  {
    why: 'unknown action',
    source: `${base}timeline:\n  - sned: hello\n`,
    at: '3:5',
    says: "unknown action 'sned'",
    suggests: 'send',
  },
  {
    why: 'TCP word for an action',
    source: `${base}timeline:\n  - fin: client\n`,
    at: '3:5',
    says: "unknown action 'fin'",
    suggests: 'shutdown',
  },
  {
    why: 'two actions in one step',
    source: `${base}timeline:\n  - open: client\n    send: hi\n`,
    at: '3:5',
    says: 'exactly one action',
  },
  {
    why: 'unknown endpoint in by',
    source: `${base}timeline:\n  - close: { by: clinet }\n`,
    at: '3:18',
    says: "no endpoint named 'clinet'",
    suggests: 'client',
  },
  {
    why: 'at together with after',
    source: `${base}timeline:\n  - at: 1s\n    after: 2s\n    abort: client\n`,
    at: '3:5',
    says: "'at' or 'after'",
  },
  {
    why: 'when with unknown state',
    source: `${base}timeline:\n  - when: { client.tcp: ESTABLISHD }\n    send: hi\n`,
    at: '3:25',
    says: 'must be one of',
    suggests: 'ESTABLISHED',
  },
  {
    why: 'when without a layer',
    source: `${base}timeline:\n  - when: { client: OPEN }\n    send: hi\n`,
    at: '3:13',
    says: '<endpoint>.tcp or <endpoint>.ws',
  },
  {
    why: 'ping too large',
    source: `${base}timeline:\n  - ping: { size: 126 }\n`,
    at: '3:11',
    says: '125 bytes',
  },
  {
    why: 'send with two payloads',
    source: `${base}timeline:\n  - send: { text: a, size: 3 }\n`,
    at: '3:11',
    says: 'exactly one of: text, hex, size',
  },
  {
    why: 'odd hex',
    source: `${base}timeline:\n  - raw: { hex: abc }\n`,
    at: '3:17',
    says: 'pairs of hex digits',
  },
  {
    why: 'frame without opcode',
    source: `${base}timeline:\n  - frames:\n      - { fin: true }\n`,
    at: '4:9',
    says: "needs an 'opcode'",
  },
  {
    why: 'frame opcode misspelt',
    source: `${base}timeline:\n  - frames:\n      - { opcode: binar }\n`,
    at: '4:19',
    says: 'frame opcode must be one of',
    suggests: 'binary',
  },
  {
    why: 'open path without slash',
    source: `${base}timeline:\n  - open: { path: chat }\n`,
    at: '3:19',
    says: "must start with '/'",
  },
  {
    why: 'fault with unknown flag',
    source: `${base}faults:\n  - drop: { flags: SYNN }\n`,
    at: '3:20',
    says: "'SYNN' is not a TCP flag",
    suggests: 'SYN',
  },
  {
    why: 'delay fault without duration',
    source: `${base}faults:\n  - delay: { nth: 3 }\n`,
    at: '3:12',
    says: "needs a 'duration'",
  },
  {
    why: 'unknown expectation',
    source: `${base}expect:\n  - stat: { client.tcp: CLOSED }\n`,
    at: '3:5',
    says: "unknown field 'stat'",
    suggests: 'state',
  },
  {
    why: 'segment pattern without direction',
    source: `${base}expect:\n  - segments: [SYN]\n`,
    at: '3:16',
    says: 'must start with a direction',
  },
  {
    why: 'segment pattern bad attribute',
    source: `${base}expect:\n  - segments: ['client>server SYN sq=0']\n`,
    at: '3:16',
    says: "'sq=0' is not",
    suggests: 'seq',
  },
  {
    why: 'count without bounds',
    source: `${base}expect:\n  - count: { event: segment.dropped }\n`,
    at: '3:12',
    says: "needs 'min' or 'max'",
  },
  {
    why: 'at on a non-state expectation',
    source: `${base}expect:\n  - no-timers-left: true\n    at: 1s\n`,
    at: '4:5',
    says: "'at' goes with 'state'",
  },
];

describe('scenario files: every mistake names file, line, column and what was expected', () => {
  test.each(cases)('$why', ({ source, at, says, suggests }) => {
    const error = firstError(source);
    expect(error.location.file).toBe('broken.yaml');
    expect(`${error.location.line}:${error.location.column}`).toBe(at);
    expect(error.message).toContain(says);
    expect(error.suggestion).toBe(suggests);
    expect(error.format()).toMatch(/^broken\.yaml:\d+:\d+: /);
  });

  test('every mistake in a file is reported in one pass, in file order', () => {
    const source = `${base}seed: x\nprofile: nope\ntimeline:\n  - sned: hi\n`;
    let errors: readonly { location: { line: number } }[] = [];
    try {
      parseScenario(source, 'broken.yaml');
    } catch (error) {
      errors = (error as ScenarioErrors).errors;
    }
    expect(errors.map((e) => e.location.line)).toEqual([2, 3, 5]);
  });

  test("a bad role does not hide the same endpoint's other mistakes", () => {
    const source = `${base}endpoints:\n  peer: { role: sever, address: 10.0.0.300, app: ehco }\n  server: {}\n`;
    let errors: readonly { message: string }[] = [];
    try {
      parseScenario(source, 'broken.yaml');
    } catch (error) {
      errors = (error as ScenarioErrors).errors;
    }
    expect(errors.map((e) => e.message)).toEqual([
      "endpoint 'peer': role must be one of: client, server",
      expect.stringContaining("endpoint 'peer': address must be an IPv4 address"),
      "endpoint 'peer': app must be one of: echo, chat, none",
    ]);
  });

  test.each([
    ['a number above 255', '10.0.0.256'],
    ['five numbers', '10.0.0.1.1'],
    ['999.1.1.1', '999.1.1.1'],
  ])('an address with %s is an error at the address, not a crash at run time', (_why, address) => {
    const error = firstError(`${base}endpoints:\n  client: { address: ${address} }\n  server: {}\n`);
    expect(`${error.location.line}:${error.location.column}`).toBe('3:22');
    expect(error.message).toContain('must be an IPv4 address');
  });

  test.each([
    [
      'after an earlier at',
      'timeline:\n  - at: 100ms\n    open: client\n  - at: 50ms\n    close: client\n',
      '5:5',
      100,
    ],
    [
      'after waits that add up',
      'timeline:\n  - open: client\n  - wait: 1s\n  - at: 500ms\n    close: client\n',
      '5:5',
      1000,
    ],
  ])('an at: earlier than the step before it is an error (%s)', (_why, timeline, at, earliest) => {
    const error = firstError(`${base}${timeline}`);
    expect(`${error.location.line}:${error.location.column}`).toBe(at);
    expect(error.message).toContain(`earlier than the step before it (${earliest} ms at the soonest)`);
  });
});
