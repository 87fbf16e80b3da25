/**
 * `synack play` and `synack export` of a recorded run: the NAME.trace.jsonl (and NAME.pcap) that a
 * failing withSimulatedNetwork test writes (@synack/tcp-sim/net), read back by the CLI.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulatedNetwork } from '@synack/tcp-sim/net';
import { describe, expect, it } from 'vitest';
import { runCli } from './serve-helpers.js';

/** A failing simulated-network run (an echo, then a failed expectation), recorded in a fresh folder. */
async function record(): Promise<{ dir: string; trace: string; pcap: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'synack-recorded-'));
  await runSimulatedNetwork({ seed: 5, link: { delay: 10 }, artifacts: dir, name: 'echo' }, async (net) => {
    net.server.createServer((s) => s.pipe(s)).listen(80);
    const socket = net.client.connect(80, 'server');
    socket.end('hello');
    socket.resume();
    await new Promise((resolve) => socket.on('close', resolve));
    throw new Error('the test failed');
  }).catch(() => {});
  expect(readdirSync(dir).sort()).toEqual(['echo.pcap', 'echo.trace.jsonl']);
  return { dir, trace: join(dir, 'echo.trace.jsonl'), pcap: join(dir, 'echo.pcap') };
}

describe('synack play / export of a recorded run', () => {
  it('play prints the ladder of the recorded run: handshake, data, FINs between client and server', async () => {
    const { trace } = await record();
    const cli = runCli(['play', trace, '--lang', 'en']);
    expect(await cli.exit).toBe(0);
    const out = cli.out();
    expect(out).toMatch(/client/);
    expect(out).toMatch(/server/);
    for (const label of ['SYN seq=0', 'SYN,ACK seq=0 ack=1', 'FIN']) expect(out).toContain(label);
  });

  it('export --format pcap gives the capture written beside the trace; jsonl the trace with its packets', async () => {
    const { dir, trace, pcap } = await record();
    const out = join(dir, 'again.pcap');
    expect(await runCli(['export', trace, '--format', 'pcap', '-o', out]).exit).toBe(0);
    expect(readFileSync(out).equals(readFileSync(pcap))).toBe(true);
    const jsonl = runCli(['export', trace, '--format', 'jsonl']);
    expect(await jsonl.exit).toBe(0);
    // The same events; the packets' bytes (recorded only in the pcap) filled in from the capture.
    const parse = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; bytes?: string });
    const exported = parse(jsonl.out());
    const recorded = parse(readFileSync(trace, 'utf8'));
    expect(exported.map(({ bytes: _, ...e }) => e)).toEqual(recorded.map(({ bytes: _, ...e }) => e));
    for (const e of exported.filter((x) => x.type === 'segment.sent')) expect(e.bytes).toMatch(/^45/);
    const mermaid = runCli(['export', trace, '--format', 'mermaid']);
    expect(await mermaid.exit).toBe(0);
    expect(mermaid.out()).toMatch(/^sequenceDiagram\n {2}participant client as client 10\.0\.0\.1/);
  });

  it('a line that is not a trace event is refused with the file and line', async () => {
    const { trace } = await record();
    writeFileSync(trace, `${readFileSync(trace, 'utf8')}{"nope":1}\n`);
    const cli = runCli(['export', trace, '--format', 'text']);
    expect(await cli.exit).not.toBe(0);
    expect(cli.err()).toMatch(/echo\.trace\.jsonl:\d+: not a trace event/);
  });
});
