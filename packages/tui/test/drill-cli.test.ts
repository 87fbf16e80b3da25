/**
 * `synack drill`, and `synack play` / `synack export` on a packetdrill script, run in-process the
 * way a user runs them: exit codes, the per-script lines and the summary, --json, the capture.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeIpv4Packet, formatIpv4Address } from '@synack/tcp-sim';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'synack-drill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function synack(argv: string[], tty = false) {
  let out = '';
  let err = '';
  const chunks: Uint8Array[] = [];
  const io: CliIo = {
    stdout: {
      write: (c) => {
        if (typeof c === 'string') out += c;
        else chunks.push(c);
      },
      isTTY: tty,
      columns: 100,
    },
    stderr: { write: (c) => (err += String(c)) },
    env: {},
    cwd: dir,
  };
  const code = await main(argv, io);
  return { code, out, err, chunks };
}

const OPEN = `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535 <mss 1460>
+0 > S. 0:0(0) ack 1 <mss 1460>
+.1 < . 1:1(0) ack 1 win 65535
+0 accept(3, ..., ...) = 4
`;
mkdirSync(join(dir, 'suite'));
writeFileSync(join(dir, 'suite', 'a-pass.pkt'), `${OPEN}+0 close(4) = 0\n+0 > F. 1:1(0) ack 1\n`);
writeFileSync(join(dir, 'suite', 'b-fail.pkt'), `${OPEN}+0 close(4) = 0\n+0 > F. 1:1(0) ack 1 win 7\n`);
writeFileSync(join(dir, 'suite', 'c-unsupported.pkt'), `${OPEN}+0 \`tc qdisc replace dev tun0 root fq\`\n`);
writeFileSync(join(dir, 'pass.pkt'), `${OPEN}+0 close(4) = 0\n+0 > F. 1:1(0) ack 1\n`);

describe('synack drill', () => {
  it('a directory: one line per script, the summary, exit 1 because one failed', async () => {
    const r = await synack(['drill', 'suite']);
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(`PASS ${join('suite', 'a-pass.pkt')}`);
    expect(lines[1]).toMatch(
      /^FAIL suite\/b-fail\.pkt:9: error handling packet: live packet field tcp_window: expected: 7 \(0x7\) vs actual: 65535 \(0xffff\)$/,
    );
    expect(lines[2]).toBe('    script packet: 0.100000 F. 1:1(0) ack 1 win 7');
    expect(lines[3]).toBe('    actual packet: 0.100000 F. 1:1(0) ack 1 win 65535');
    expect(lines[4]).toBe(
      'UNSUPPORTED suite/c-unsupported.pkt:8: command `tc qdisc replace dev tun0 root fq`',
    );
    expect(lines.at(-1)).toBe('1 passed, 1 failed, 1 unsupported');
  });

  it('all passing (or unsupported): exit 0', async () => {
    const r = await synack(['drill', 'pass.pkt', join('suite', 'c-unsupported.pkt')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1 passed, 0 failed, 1 unsupported\n$/);
  });

  it('--json: every outcome with its fields, and the summary', async () => {
    const r = await synack(['drill', '--json', 'suite']);
    expect(r.code).toBe(1);
    const data = JSON.parse(r.out);
    expect(data.summary).toEqual({ passed: 1, failed: 1, unsupported: 1 });
    expect(data.results[1]).toMatchObject({
      file: 'suite/b-fail.pkt',
      status: 'fail',
      line: 9,
      expected: '0.100000 F. 1:1(0) ack 1 win 7',
      actual: '0.100000 F. 1:1(0) ack 1 win 65535',
    });
    expect(data.results[2]).toMatchObject({
      status: 'unsupported',
      construct: 'command `tc qdisc replace dev tun0 root fq`',
    });
  });

  it('--profile picks the stack: FreeBSD lays SYN,ACK options out differently from Linux', async () => {
    const src = `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>
+0 > S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 0 ecr 1>
`;
    writeFileSync(join(dir, 'freebsd.pkt'), src);
    expect((await synack(['drill', '--profile', 'freebsd', 'freebsd.pkt'])).code).toBe(0);
    expect((await synack(['drill', '--profile', 'linux', 'freebsd.pkt'])).code).toBe(1);
  });

  it.each([
    [['drill'], /drill needs at least one \.pkt file or directory/],
    [['drill', '--profile', 'solaris', 'pass.pkt'], /--profile wants freebsd, linux, rfc, not 'solaris'/],
    [['drill', 'nope.pkt'], /no such file or directory: nope\.pkt/],
    [['export', 'nope.pkt', '--format', 'text'], /cannot read '.*nope\.pkt': ENOENT/],
  ])('%j is a mistake of the user (exit 2)', async (argv, message) => {
    const r = await synack(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe('synack export and play on a .pkt script', () => {
  it('--format pcap: the script run as IPv4 packets (SYN first, our SYN,ACK second)', async () => {
    const r = await synack(['export', 'pass.pkt', '--format', 'pcap']);
    expect(r.code).toBe(0);
    const pcap = r.chunks[0]!;
    expect(new DataView(pcap.buffer, pcap.byteOffset).getUint32(0, true)).toBe(0xa1b2c3d4);
    const first = decodeIpv4Packet(pcap.subarray(24 + 16));
    expect(first.ok && formatIpv4Address(first.packet.src)).toBe('192.0.2.1');
  });

  it('--format text: the ladder between the stack (tcp) and the script (remote)', async () => {
    const r = await synack(['export', 'pass.pkt', '--format', 'text']);
    expect(r.out).toMatch(/tcp 192\.168\.0\.1 +remote 192\.0\.2\.1/);
    expect(r.out).toMatch(/SYN,ACK seq=0 ack=1/);
    expect(r.out).toMatch(/ESTABLISHED → FIN-WAIT-1/);
  });

  it('--format jsonl: one trace event per line', async () => {
    const r = await synack(['export', 'pass.pkt', '--format', 'jsonl']);
    const events = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.some((e) => e.type === 'tcp.state' && e.to === 'ESTABLISHED')).toBe(true);
  });

  it('play on a non-terminal prints the ladder and the outcome', async () => {
    const r = await synack(['play', 'suite/b-fail.pkt']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/FIN,ACK seq=1 ack=1/);
    expect(r.out).toMatch(/suite\/b-fail\.pkt:9: error handling packet: live packet field tcp_window/);
  });
});
