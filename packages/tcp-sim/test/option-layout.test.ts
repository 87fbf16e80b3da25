/**
 * Option layouts on the wire (RFC 9293 3.2 leaves order and padding to the sender; packetdrill
 * scripts check them octet by octet). The expected layouts are the ones FreeBSD and Linux send, as
 * their packetdrill test suites write them.
 */
import { describe, expect, it } from 'vitest';
import {
  createSimulation,
  decodeTcpSegment,
  encodeTcpSegment,
  FREEBSD_PROFILE,
  type OptionLayout,
  optionsLength,
  RFC_PROFILE,
  type TcpOptions,
  type TcpSegment,
} from './shim.js';

const NOP = 1;
const seg = (options: TcpOptions, optionBytes?: Uint8Array): TcpSegment => ({
  srcPort: 1,
  dstPort: 2,
  seq: 0,
  ack: 0,
  flags: 0x02,
  window: 65535,
  options,
  ...(optionBytes ? { optionBytes } : {}),
  payload: new Uint8Array(0),
});

/** The option octets of an encoded segment. */
function optionOctets(options: TcpOptions, layout: OptionLayout): number[] {
  const bytes = encodeTcpSegment(seg(options), 1, 2, layout);
  return [...bytes.subarray(20, (bytes[12]! >>> 4) * 4)];
}

const MSS = [2, 4, 0x05, 0xb4];
const WS = (s: number) => [3, 3, s];
const SACKOK = [4, 2];
const TS = (v: number, e: number) => [8, 10, 0, 0, 0, v, 0, 0, 0, e];
const SACK1 = [5, 10, 0, 0, 0, 1, 0, 0, 0, 2];
const all: TcpOptions = { mss: 1460, windowScale: 6, sackPermitted: true, timestamp: { value: 7, echo: 0 } };

describe('option layouts: the octets FreeBSD and Linux put on the wire', () => {
  it.each<[string, OptionLayout, TcpOptions, number[]]>([
    [
      'FreeBSD SYN <mss 1460,nop,wscale 6,sackOK,TS val 7 ecr 0>',
      'freebsd',
      all,
      [...MSS, NOP, ...WS(6), ...SACKOK, ...TS(7, 0)],
    ],
    [
      'FreeBSD SYN,ACK to <mss,sackOK>: <mss 1460,sackOK,eol,eol>',
      'freebsd',
      { mss: 1460, sackPermitted: true },
      [...MSS, ...SACKOK, 0, 0],
    ],
    [
      'FreeBSD data: <nop,nop,TS val 7 ecr 9>',
      'freebsd',
      { timestamp: { value: 7, echo: 9 } },
      [NOP, NOP, ...TS(7, 9)],
    ],
    ['FreeBSD ACK: <nop,nop,sack 1:2>', 'freebsd', { sack: [{ left: 1, right: 2 }] }, [NOP, NOP, ...SACK1]],
    [
      'FreeBSD SYN without SACK: <mss,nop,wscale,nop,nop,TS>',
      'freebsd',
      { mss: 1460, windowScale: 6, timestamp: { value: 7, echo: 0 } },
      [...MSS, NOP, ...WS(6), NOP, NOP, ...TS(7, 0)],
    ],
    [
      'Linux SYN <mss 1460,sackOK,TS val 7 ecr 0,nop,wscale 6>',
      'linux',
      all,
      [...MSS, ...SACKOK, ...TS(7, 0), NOP, ...WS(6)],
    ],
    [
      'Linux SYN,ACK without TS <mss 1460,nop,nop,sackOK,nop,wscale 6>',
      'linux',
      { mss: 1460, sackPermitted: true, windowScale: 6 },
      [...MSS, NOP, NOP, ...SACKOK, NOP, ...WS(6)],
    ],
    [
      'Linux data <nop,nop,TS val 7 ecr 9,nop,nop,sack 1:2>',
      'linux',
      { timestamp: { value: 7, echo: 9 }, sack: [{ left: 1, right: 2 }] },
      [NOP, NOP, ...TS(7, 9), NOP, NOP, ...SACK1],
    ],
    [
      'compact (the default): kind order, EOL padding',
      'compact',
      all,
      [...MSS, ...WS(6), ...SACKOK, ...TS(7, 0), 0],
    ],
  ])('%s', (_name, layout, options, octets) => {
    expect(optionOctets(options, layout)).toEqual(octets);
    expect(optionsLength(options, layout)).toBe(octets.length);
  });

  it('every layout decodes back to the same options (NOPs and padding carry nothing)', () => {
    for (const layout of ['compact', 'freebsd', 'linux'] as const) {
      const bytes = encodeTcpSegment(seg(all), 1, 2, layout);
      const r = decodeTcpSegment(bytes);
      expect(r.ok && r.segment.options).toEqual(all);
    }
  });

  it('optionBytes go on the wire exactly as given (a raw peer writing <mss 1460,sackOK,eol,eol>)', () => {
    const exact = Uint8Array.from([...MSS, ...SACKOK, 0, 0]);
    const bytes = encodeTcpSegment(seg({ mss: 1460, sackPermitted: true }, exact), 1, 2, 'linux');
    expect([...bytes.subarray(20, 28)]).toEqual([...exact]);
    expect(bytes[12]! >>> 4).toBe(7);
  });
});

describe('the freebsd profile', () => {
  it.each<[keyof typeof FREEBSD_PROFILE, unknown, string]>([
    ['msl', 30_000, 'net.inet.tcp.msl 30 s: TIME-WAIT 60 s'],
    ['rtoInitial', 1000, 'net.inet.tcp.rexmit_initial'],
    ['rtoMin', 230, 'rexmit_min 30 ms + rexmit_slop 200 ms'],
    ['rtoMax', 64_000, 'TCPTV_REXMTMAX'],
    ['delayedAckMin', 40, 'net.inet.tcp.delacktime'],
    ['delayedAckMax', 40, 'net.inet.tcp.delacktime'],
    ['initialWindow', 10, 'net.inet.tcp.initcwnd_segments'],
    ['abortRstWithAck', true, 'tcp_drop answers with RST,ACK'],
    ['rstInTimeWait', 'ignore', 'tcp_twcheck drops RSTs'],
    ['rfc5961', true, 'insecure_rst = insecure_syn = 0'],
    ['nagle', true, 'TCP_NODELAY off by default'],
    ['keepAliveProbes', 8, 'net.inet.tcp.keepcnt'],
    ['windowScale', 6, 'kern.ipc.maxsockbuf 2 MiB'],
    ['optionLayout', 'freebsd', 'tcp_addoptions()'],
  ])('%s = %s (%s)', (key, value) => {
    expect(FREEBSD_PROFILE[key]).toBe(value);
  });

  it("a freebsd host's SYN carries FreeBSD's layout on the wire; an rfc host's the compact one", () => {
    for (const [profile, first] of [
      ['freebsd', [...MSS, NOP, ...WS(6), ...SACKOK]],
      ['rfc', [...MSS]],
    ] as const) {
      const sim = createSimulation({ seed: 1, profile });
      const a = sim.addHost({ name: 'a', address: '10.0.0.1' });
      sim.addHost({ name: 'b', address: '10.0.0.2' });
      a.connect({ address: '10.0.0.2', port: 80 });
      sim.run({ until: 1 });
      const packet = sim.packets[0]!.bytes;
      expect([...packet.subarray(40, 40 + first.length)]).toEqual([...first]);
    }
    expect(RFC_PROFILE.optionLayout).toBeUndefined();
  });
});
