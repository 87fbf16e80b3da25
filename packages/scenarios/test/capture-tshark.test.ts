import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { exportRun, listScenarios, loadScenario, runScenario, type SynackEvent } from '../src/index.js';

// Oracle test: Wireshark's dissectors (tshark) must read our captures as a user would see them.
const hasTshark = (() => {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasTshark && process.env.CI) throw new Error('tshark is required in CI (.ci/run installs it)');
if (!hasTshark) console.warn('tshark not installed: skipping the capture oracle tests');

const dir = mkdtempSync(join(tmpdir(), 'synack-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = [
  'ip.checksum.status',
  'tcp.checksum.status',
  'ip.src',
  'websocket.opcode',
  'websocket.mask',
  'websocket.payload.text',
  'http.request.method',
  'http.response.code',
  'data.data',
] as const;
/** Joins a field's several values in one packet; a comma would clash with text payloads. */
const AGGREGATOR = '\u0001';

function dissect(name: string) {
  const scenario = loadScenario(name);
  const run = runScenario(scenario);
  const file = join(dir, `${name}.pcap`);
  writeFileSync(file, exportRun(run, 'pcap'));
  const port = scenario.endpoints.find((e) => e.role === 'server')?.port ?? 17122;
  const args = [
    '-r',
    file,
    '-o',
    'tcp.check_checksum:TRUE',
    '-o',
    'ip.check_checksum:TRUE',
    '-d',
    `tcp.port==${port},http`,
  ];
  const out = execFileSync(
    'tshark',
    [...args, '-T', 'fields', '-E', 'separator=/t', ...FIELDS.flatMap((f) => ['-e', f])],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const rows = out
    .trimEnd()
    .split('\n')
    .map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(FIELDS.map((f, i) => [f, cells[i] ?? ''])) as Record<
        (typeof FIELDS)[number],
        string
      >;
    });
  return { run, rows, address: (n: string) => scenario.endpoints.find((e) => e.name === n)?.address };
}

const sentFrames = (trace: readonly SynackEvent[], endpoint: string) =>
  trace.flatMap((e) =>
    e.type === 'ws.frame' && e.direction === 'sent' && e.endpoint === endpoint ? [e] : [],
  );

describe.skipIf(!hasTshark)('pcap export, dissected by tshark', () => {
  test.each(listScenarios().map((s) => [s.name]))('%s: every IPv4 and TCP checksum verifies', (name) => {
    const { run, rows } = dissect(name);
    const sent = run.trace.filter((e) => e.type === 'segment.sent').length;
    expect(rows).toHaveLength(sent);
    expect(rows.every((r) => r['ip.checksum.status'] === '1' && r['tcp.checksum.status'] === '1')).toBe(true);
  });

  test.each([
    ['blog-chat'],
    ['echo-open-close'],
    ['fragmented-ping'],
    ['message-sizes'],
    ['server-first-close'],
  ])(
    '%s: the Upgrade and every WebSocket frame decode with the right opcodes, masked only from the client',
    (name) => {
      const { run, rows, address } = dissect(name);
      expect(rows.some((r) => r['http.request.method'] === 'GET')).toBe(true);
      expect(rows.some((r) => r['http.response.code'] === '101')).toBe(true);
      for (const endpoint of ['client', 'server']) {
        const frames = rows
          .filter((r) => r['ip.src'] === address(endpoint) && r['websocket.opcode'] !== '')
          .flatMap((r) => {
            const opcodes = r['websocket.opcode'].split(AGGREGATOR);
            const masks = r['websocket.mask'].split(AGGREGATOR);
            return opcodes.map((op, i) => ({ opcode: Number(op), masked: masks[i] === '1' }));
          });
        const ours = sentFrames(run.trace, endpoint).map((f) => ({ opcode: f.opcode, masked: f.masked }));
        expect(frames).toEqual(ours);
        expect(frames.every((f) => f.masked === (endpoint === 'client'))).toBe(true);
      }
    },
  );

  test('blog-chat: the unmasked payloads tshark reads are the messages each side received', () => {
    const { run, rows } = dissect('blog-chat');
    const texts = rows.flatMap((r) =>
      r['websocket.payload.text'] ? r['websocket.payload.text'].split(AGGREGATOR) : [],
    );
    expect(texts.join(',')).toContain('type=add&ming=Muxer');
    expect(texts.join(',')).toContain('"Muxer":"你好"');
    const received = run.trace.flatMap((e) => (e.type === 'ws.message' ? [e.preview ?? ''] : []));
    expect(received).toContain('type=add&ming=Muxer');
  });
});

/** Hex of a received message's bytes. */
const hexOf = (m: string | Uint8Array) =>
  Buffer.from(typeof m === 'string' ? new TextEncoder().encode(m) : m).toString('hex');

/** Scenarios whose WebSocket traffic is whole messages in single frames on a link that loses nothing. */
const SINGLE_FRAME = [
  'blog-chat',
  'echo-open-close',
  'message-sizes',
  'server-first-close',
  'lost-syn',
  'lost-syn-ack',
];

describe.skipIf(!hasTshark)('pcap export: payloads, unmasked by tshark, equal what the peer received', () => {
  test.each(SINGLE_FRAME.map((n) => [n]))('%s', (name) => {
    const { run, rows, address } = dissect(name);
    for (const [from, to] of [
      ['client', 'server'],
      ['server', 'client'],
    ] as const) {
      const payloads = rows
        .filter((r) => r['ip.src'] === address(from) && r['websocket.opcode'] !== '')
        .flatMap((r) => {
          // tshark hands text payloads to its text field and binary ones to the data dissector.
          const opcodes = r['websocket.opcode'].split(AGGREGATOR);
          const texts = r['websocket.payload.text'].split(AGGREGATOR);
          const binaries = r['data.data'].split(AGGREGATOR);
          return opcodes.flatMap((op) =>
            op === '1'
              ? [hexOf(texts.shift() ?? '')]
              : op === '2'
                ? [(binaries.shift() ?? '').replace(/:/g, '')]
                : [],
          );
        });
      const received = (run.received.get(to) ?? []).map(hexOf);
      expect(payloads).toEqual(received);
    }
  });
});
