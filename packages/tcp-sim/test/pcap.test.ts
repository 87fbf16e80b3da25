/**
 * Capture oracle: a handshake, a transfer with injected loss, and a close, written as pcap and read
 * back by tshark (Wireshark's engine) with checksum verification on. tshark must agree that every
 * checksum is good, flag retransmissions exactly where the faults were injected, and show
 * timestamps equal to virtual time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulation, encodePcap } from '../src/index.js';
import { eventsOf } from './fixtures.js';

const hasTshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!hasTshark && !inCi) {
  console.warn('[tcp-sim] tshark not installed: skipping the pcap oracle test (apt-get install tshark)');
}

function scenario() {
  const sim = createSimulation({ seed: 42, profile: { msl: 1000 } });
  const client = sim.addHost({ name: 'client', address: '10.0.0.1' });
  const server = sim.addHost({ name: 'server', address: '10.0.0.2' });
  sim.setLink(client, server, { delay: 7, mtu: 576 });
  // Loss injected on the 2nd data segment client -> server and the server's FIN.
  sim.addFault({
    direction: { from: 'client', to: 'server' },
    match: { payloadIncludes: 'B'.repeat(20) },
    action: 'drop',
  });
  sim.addFault({ direction: { from: 'server', to: 'client' }, match: { flags: ['FIN'] }, action: 'drop' });
  server.listen(17122).on('connection', (s) => {
    s.on('data', () => {});
    s.on('end', () => s.end());
  });
  const sock = client.connect({ address: '10.0.0.2', port: 17122 });
  sock.on('connect', () => {
    sock.write(new TextEncoder().encode('A'.repeat(536) + 'B'.repeat(536) + 'C'.repeat(100)));
    sock.end();
  });
  sim.run();
  return sim;
}

function tshark(file: string, fields: string[], filter?: string): string[][] {
  const args = ['-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields'];
  for (const f of fields) args.push('-e', f);
  if (filter) args.push('-Y', filter);
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

describe('pcap export checked by tshark', () => {
  it.runIf(hasTshark || inCi)(
    'pcap (LINKTYPE_RAW): tshark verifies every IPv4 and TCP checksum, flags the injected retransmissions, and shows virtual time',
    () => {
      if (!hasTshark)
        throw new Error('tshark is required in CI (installed by .ci/run via apt-get install tshark)');
      const sim = scenario();
      const dir = mkdtempSync(join(tmpdir(), 'tcp-sim-pcap-'));
      try {
        const file = join(dir, 'capture.pcap');
        writeFileSync(file, encodePcap(sim.trace.events));
        const sent = eventsOf(sim, 'segment.sent');
        const rows = tshark(file, [
          'frame.number',
          'frame.time_epoch',
          'ip.checksum.status',
          'tcp.checksum.status',
          'tcp.seq_raw',
        ]);
        expect(rows).toHaveLength(sent.length);
        for (const [i, row] of rows.entries()) {
          const [, epoch, ipStatus, tcpStatus, seqRaw] = row;
          expect(ipStatus).toBe('1'); // 1 = Good
          expect(tcpStatus).toBe('1');
          expect(Number(epoch)).toBeCloseTo(sent[i]!.time / 1000, 6);
          expect(Number(seqRaw)).toBe(sent[i]!.seg.seq);
        }
        const retransmitted = tshark(file, ['frame.number'], 'tcp.analysis.retransmission').map((r) =>
          Number(r[0]),
        );
        const expected = sent.flatMap((e, i) => (e.retransmission ? [i + 1] : []));
        expect(expected.length).toBeGreaterThanOrEqual(2);
        expect(retransmitted).toEqual(expected);
        // The stream is followable: tshark reassembles the client's 1172 octets.
        const follow = spawnSync('tshark', ['-r', file, '-q', '-z', 'follow,tcp,raw,0'], {
          encoding: 'utf8',
        });
        expect(follow.stdout).toContain('41'.repeat(20));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('pcap: the global header says microsecond pcap 2.4 with LINKTYPE_RAW, one record per segment sent', () => {
    const sim = scenario();
    const bytes = encodePcap(sim.trace.events);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(0xa1b2c3d4);
    expect([view.getUint16(4, true), view.getUint16(6, true)]).toEqual([2, 4]);
    expect(view.getUint32(20, true)).toBe(101);
    let at = 24;
    let records = 0;
    while (at < bytes.length) {
      at += 16 + view.getUint32(at + 8, true);
      records++;
    }
    expect(records).toBe(eventsOf(sim, 'segment.sent').length);
    expect(encodePcap(sim.packets)).toEqual(bytes);
  });
});
