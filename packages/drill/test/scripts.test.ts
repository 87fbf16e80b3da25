import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatOutcome, runDrillSource } from '../src/index.js';

const dir = join(import.meta.dirname, 'scripts');
const scripts = readdirSync(dir).filter((f) => f.endsWith('.pkt'));
const source = (name: string) => readFileSync(join(dir, name), 'utf8');

describe('our own scripts: the state-machine rules of RFC 9293 3.10, in the packetdrill dialect (linux profile)', () => {
  it('there is a script per rule', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(19);
  });

  it.each(scripts)('%s passes', (name) => {
    const r = runDrillSource(name, source(name), { profile: 'linux' });
    expect(formatOutcome(name, r.outcome)).toBe(`${name}: pass`);
  });
});

/** A passing script with one line changed: the run must fail at that line, saying what differed. */
function mutate(name: string, from: string, to: string): string {
  const text = source(name);
  if (!text.includes(from)) throw new Error(`${name} has no '${from}'`);
  return text.replace(from, to);
}

describe('a script that does not match what the stack does fails at the first differing line, as packetdrill prints it', () => {
  it.each([
    [
      'a window',
      'passive-close.pkt',
      '+.04 > . 1:1(0) ack 2\n',
      '+.04 > . 1:1(0) ack 2 win 100\n',
      /^passive-close\.pkt:\d+: error handling packet: live packet field tcp_window: expected: 100 \(0x64\) vs actual: \d+ \(0x[0-9a-f]+\)\nscript packet: 0\.140000 \. 1:1\(0\) ack 2 win 100\nactual packet: 0\.140000 \. 1:1\(0\) ack 2 win \d+$/,
    ],
    [
      'flags',
      'passive-close.pkt',
      '+0 > F. 1:1(0) ack 2',
      '+0 > R. 1:1(0) ack 2',
      /live packet field tcp_fin: expected: 0 \(0x0\) vs actual: 1 \(0x1\)/,
    ],
    [
      'an ACK number',
      'passive-close.pkt',
      '+.04 > . 1:1(0) ack 2',
      '+.04 > . 1:1(0) ack 3',
      /live packet field tcp_ack_seq: expected: 3 \(0x3\) vs actual: 2 \(0x2\)/,
    ],
    [
      'a payload length',
      'syn-sent-bad-ack.pkt',
      '+0 > P. 1:11(10) ack 1',
      '+0 > P. 1:10(9) ack 1',
      /live packet field ipv4_total_length: expected: 49 \(0x31\) vs actual: 50 \(0x32\)/,
    ],
    [
      'the option layout',
      'established-rst-at-rcv-nxt.pkt',
      '<mss 1460,nop,nop,sackOK,nop,wscale 7>',
      '<mss 1460,sackOK,nop,nop,nop,wscale 7>',
      /bad outbound TCP options/,
    ],
    [
      'an option value',
      'established-rst-at-rcv-nxt.pkt',
      '<mss 1460,nop,nop,sackOK,nop,wscale 7>\n',
      '<mss 1400,nop,nop,sackOK,nop,wscale 7>\n',
      /bad value in outbound TCP option \(kind=2\): expected: mss 1400 actual: mss 1460/,
    ],
    [
      'the time',
      'syn-retransmission.pkt',
      '+1 > S 0:0(0) <...>\n+0.1',
      '+2 > S 0:0(0) <...>\n+0.1',
      /timing error: expected outbound packet at 3\.000000 sec but happened at 2\.000000 sec; tolerance 0\.004000 sec/,
    ],
    [
      'a return value with errno',
      'established-rst-at-rcv-nxt.pkt',
      'read(4, ..., 100) = -1 ECONNRESET (Connection reset by peer)',
      'read(4, ..., 100) = 0',
      /runtime error in read call: Expected result 0 but got -1 with errno 104 \(Connection reset by peer\)/,
    ],
    [
      'an errno',
      'listen-syn-handshake.pkt',
      '= -1 EAGAIN (Resource temporarily unavailable)',
      '= -1 EINVAL (Invalid argument)',
      /Expected errno 22 \(Invalid argument\) but got 11 \(Resource temporarily unavailable\)/,
    ],
    [
      'a segment never sent',
      'passive-close.pkt',
      '+0.1 < . 2:2(0) ack 2 win 65535',
      '+0.1 < . 2:2(0) ack 2 win 65535\n+0 > . 2:2(0) ack 2',
      /error handling packet: Timed out waiting for packet/,
    ],
    [
      'SO_ERROR',
      'syn-sent-rst-refused.pkt',
      'SO_ERROR, [ECONNREFUSED]',
      'SO_ERROR, [ETIMEDOUT]',
      /Bad getsockopt optval: expected: ETIMEDOUT actual: ECONNREFUSED/,
    ],
    [
      'a payload split differently (packetdrill aggregates segments for a larger script packet, then checks the next one continues the sequence)',
      'syn-sent-bad-ack.pkt',
      '+0 > P. 1:11(10) ack 1',
      '+0 > P. 1:12(11) ack 1',
      /error handling packet: live packet field tcp_seq: expected: 11 \(0xb\) vs actual: 1 \(0x1\)/,
    ],
  ])('%s', (_what, name, from, to, message) => {
    const r = runDrillSource(name, mutate(name, from, to), { profile: 'linux' });
    expect(r.outcome.status).toBe('fail');
    expect(formatOutcome(name, r.outcome)).toMatch(message);
  });
});

describe('unsupported constructs are named, never failures of the stack', () => {
  it.each([
    ['`ethtool -K tun0 tso off`\n0 close(3) = 0', /command `ethtool -K tun0 tso off`/],
    ['0 `sysctl -q net.ipv4.tcp_congestion_control=bbr`', /sysctl net\.ipv4\.tcp_congestion_control=bbr/],
    ['--ip_version=ipv6\n0 close(3) = 0', /--ip_version=ipv6/],
    ['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 sendfile(3, 4, ..., 10) = 10', /system call sendfile/],
    [
      '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 setsockopt(3, IPPROTO_TCP, TCP_CONGESTION, "bbr", 3) = 0',
      /socket option TCP_CONGESTION/,
    ],
    ['0 %{ assert tcpi_state == 1 }%', /code snippets/],
    ['0 < udp (10)', /udp packets/],
    ['0 < [ect0] S 0:0(0) win 1', /IP header fields \(ect0\)/],
  ])('%j', (src, construct) => {
    const r = runDrillSource('x.pkt', src, { profile: 'linux' });
    expect(r.outcome.status).toBe('unsupported');
    expect(r.outcome.status === 'unsupported' && r.outcome.construct).toMatch(construct);
  });

  it('sysctls a profile field holds are taken, and change what the stack sends', () => {
    const syn =
      '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n';
    const withTs = runDrillSource(
      'x.pkt',
      `${syn}+0 > S 0:0(0) <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 7>\n`,
    );
    expect(withTs.outcome.status).toBe('pass');
    const noTs = runDrillSource(
      'x.pkt',
      `0 \`sysctl -q net.ipv4.tcp_timestamps=0\`\n${syn.replace(/^0/, '+0')}+0 > S 0:0(0) <mss 1460,nop,nop,sackOK,nop,wscale 7>\n`,
    );
    expect(formatOutcome('x.pkt', noTs.outcome)).toBe('x.pkt: pass');
  });
});

describe('profiles: the same script on different stacks', () => {
  it('RFC 9293 3.10.5: ABORT sends <SEQ=SND.NXT><CTL=RST> on rfc, RST,ACK on linux and freebsd', () => {
    const name = 'abort-linger-zero.pkt';
    expect(runDrillSource(name, source(name), { profile: 'linux' }).outcome.status).toBe('pass');
    expect(runDrillSource(name, source(name), { profile: 'freebsd' }).outcome.status).toBe('pass');
    const rfc = runDrillSource(name, source(name), { profile: 'rfc' });
    expect(formatOutcome(name, rfc.outcome)).toMatch(
      /live packet field tcp_ack: expected: 1 \(0x1\) vs actual: 0 \(0x0\)[\s\S]*actual packet: 0\.100000 R 1:1\(0\)$/,
    );
  });

  it('FreeBSD lays SYN options out as tcp_addoptions() does: mss, nop, wscale, sackOK, TS', () => {
    const src = `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0
+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0 > S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>
`;
    expect(runDrillSource('x.pkt', src, { profile: 'freebsd' }).outcome.status).toBe('pass');
    expect(runDrillSource('x.pkt', src, { profile: 'linux' }).outcome.status).toBe('fail');
  });
});
