/**
 * A failing simulated-network test leaves its capture and trace behind: `<test name>.pcap` (classic
 * libpcap, LINKTYPE_RAW, the packets as sent) and `<test name>.trace.jsonl` (one trace event per line),
 * named in the error message. A passing test writes nothing.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSimulatedNetwork } from '../../src/net/vitest.js';

async function echoOnce(net: Parameters<Parameters<typeof withSimulatedNetwork>[1]>[0]) {
  net.server.createServer((s) => s.pipe(s)).listen(80);
  const socket = net.client.connect(80, 'server');
  socket.end('hello');
  socket.resume();
  await new Promise((resolve) => socket.on('close', resolve));
}

describe('withSimulatedNetwork artifacts', () => {
  it('a failing body writes <test name>.pcap and .trace.jsonl and names them in the error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-artifacts-'));
    const failing = withSimulatedNetwork({ seed: 2, link: { delay: 5 }, artifacts: dir }, async (net) => {
      await echoOnce(net);
      expect(net.simulation.now).toBe(-1); // fails
    });
    const error: Error = await failing.then(
      () => new Error('did not fail'),
      (e: Error) => e,
    );
    const base =
      'withSimulatedNetwork-artifacts-a-failing-body-writes-test-name-.pcap-and-.trace.jsonl-and-names-them-in-the-error';
    expect(readdirSync(dir).sort()).toEqual([`${base}.pcap`, `${base}.trace.jsonl`]);
    expect(error.message).toContain(`capture ${join(dir, `${base}.pcap`)}`);
    expect(error.message).toContain('seed 2');
    const pcap = readFileSync(join(dir, `${base}.pcap`));
    expect(pcap.readUInt32LE(0)).toBe(0xa1b2c3d4); // libpcap magic, microseconds
    expect(pcap.readUInt32LE(20)).toBe(101); // LINKTYPE_RAW
    const events = readFileSync(join(dir, `${base}.trace.jsonl`), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; seq: number });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const sent = events.filter((e) => e.type === 'segment.sent').length;
    // Every segment sent is one packet in the capture (24-byte header, then 16-byte records).
    let records = 0;
    for (let at = 24; at < pcap.length; at += 16 + pcap.readUInt32LE(at + 8)) records++;
    expect(records).toBe(sent);
  });

  it('a passing body writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-artifacts-'));
    await withSimulatedNetwork({ seed: 2, artifacts: dir }, echoOnce);
    expect(readdirSync(dir)).toEqual([]);
  });
});
