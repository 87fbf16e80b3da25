/**
 * Timer profiles: `rfc` and `linux` hold every number in one object; each value can be overridden.
 * Each row is checked against behaviour, not only against the table.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, world } from './fixtures.js';
import {
  createScriptedPeer,
  createSimulation,
  initialWindowOctets,
  LINUX_PROFILE,
  type ProfileSpec,
  RFC_PROFILE,
  resolveProfile,
  synGiveUpAfter,
  type TimerProfile,
} from './shim.js';

describe('profiles: the numbers', () => {
  const rows: ReadonlyArray<readonly [keyof TimerProfile, unknown, unknown, string]> = [
    ['msl', 120_000, 30_000, 'RFC 9293 3.4.2 MSL 2 min (TIME-WAIT 240 s); Linux TIME_WAIT 60 s'],
    ['rtoMin', 1000, 200, 'RFC 6298 2.4 1 s; Linux TCP_RTO_MIN 200 ms'],
    ['rtoMax', 60_000, 120_000, 'RFC 6298 2.5 >= 60 s; Linux TCP_RTO_MAX 120 s'],
    ['rtoInitial', 1000, 1000, 'RFC 6298 2.1 1 s'],
    ['synRetries', 7, 6, 'RFC 9293 MUST-23 >= 3 min (183 s); Linux tcp_syn_retries (127 s)'],
    ['delayedAckMax', 200, 200, 'RFC 9293 3.8.6.3 < 500 ms; Linux TCP_DELACK_MAX'],
    ['delayedAckMin', 200, 40, 'Linux TCP_ATO_MIN 40 ms'],
    ['initialWindow', 'rfc5681', 10, 'RFC 5681 3.1 vs RFC 6928 IW10'],
    ['abortRstWithAck', false, true, 'RFC 9293 3.10.5 <SEQ=SND.NXT><CTL=RST>; Linux RST,ACK'],
    ['zeroWindowProbe', 'one-octet', 'snd-una-minus-1', 'RFC 9293 3.8.6.1 vs Linux tcp_xmit_probe_skb'],
    ['rstInTimeWait', 'close', 'close', 'RFC 9293 3.10.7.4; Linux tcp_rfc1337 = 0'],
    ['rfc5961', true, true, 'RFC 5961 challenge ACKs'],
    ['keepAlive', false, false, 'RFC 1122 4.2.3.6 MUST default to off'],
    ['keepAliveIdle', 7_200_000, 7_200_000, 'RFC 1122 4.2.3.6 >= 2 h'],
    ['finWait2Timeout', 0, 60_000, 'Linux tcp_fin_timeout'],
  ];
  it.each(rows)('%s: rfc %s, linux %s (%s)', (key, rfc, linux) => {
    expect(RFC_PROFILE[key]).toBe(rfc);
    expect(LINUX_PROFILE[key]).toBe(linux);
  });

  it('overrides: a partial object overrides rfc; { base: "linux", ... } overrides linux', () => {
    expect(resolveProfile({ msl: 1000 })).toEqual({ ...RFC_PROFILE, msl: 1000 });
    expect(resolveProfile({ base: 'linux', rtoMin: 50 })).toEqual({ ...LINUX_PROFILE, rtoMin: 50 });
    expect(
      createSimulation({ seed: 1, profile: { base: 'linux', delayedAckMax: 0 } }).profile.delayedAckMax,
    ).toBe(0);
  });

  it.each([
    [{ rtoMin: -1 }, /rtoMin/],
    [{ msl: Number.NaN }, /msl/],
    [{ rtoMin: 5000, rtoMax: 1000 }, /rtoMin/],
    [{ initialWindow: 0 }, /initialWindow/],
    [{ delayedAckMin: 300, delayedAckMax: 200 }, /delayedAckMin/],
  ] as Array<[ProfileSpec, RegExp]>)('a bad override %j throws a RangeError naming the field', (spec, re) => {
    expect(() => resolveProfile(spec)).toThrow(RangeError);
    expect(() => resolveProfile(spec)).toThrow(re);
  });

  it('RFC 5681 3.1: IW = min(4*SMSS, max(2*SMSS, 4380)); RFC 6928 / Linux: 10*SMSS', () => {
    expect(initialWindowOctets(RFC_PROFILE, 1460)).toBe(4380);
    expect(initialWindowOctets(RFC_PROFILE, 536)).toBe(2144);
    expect(initialWindowOctets(RFC_PROFILE, 2500)).toBe(5000);
    expect(initialWindowOctets(LINUX_PROFILE, 1460)).toBe(14600);
  });
});

describe('profiles: behaviour', () => {
  // A capture on Linux 6.18 (tcp_syn_retries 6, tcp_syn_linear_timeouts 4), a SYN into a full
  // accept queue: SYNs at 0, 1.08, 2.11, 3.14, 4.17, 5.20, 7.23, 11.28, 19.51, 35.72 s (each timer
  // rounded up by the timer wheel), still retrying at 45 s.
  it('linux 6.5+: tcp_syn_linear_timeouts 4 retransmits the SYN at 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s and gives up at 131 s', () => {
    const p = createScriptedPeer({ profile: 'linux' });
    p.connect();
    const times: number[] = [];
    for (let i = 0; i < 11; i++) {
      p.expect({ flags: 'S', seq: 0 });
      times.push(p.sim.now);
    }
    p.expectNothing(200_000);
    expect(times).toEqual([0, 1000, 2000, 3000, 4000, 5000, 7000, 11_000, 19_000, 35_000, 67_000]);
    const err = eventsOf(p.sim, 'error')[0]!;
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.time).toBe(131_000);
  });

  it('RFC 6298 5.5: with synLinearTimeouts 0 the linux SYN backs off from the first timeout (1, 3, 7, ... s, 127 s)', () => {
    const p = createScriptedPeer({ profile: { base: 'linux', synLinearTimeouts: 0 } });
    p.connect();
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      p.expect({ flags: 'S', seq: 0 });
      times.push(p.sim.now);
    }
    p.expectNothing(200_000);
    expect(times).toEqual([0, 1000, 3000, 7000, 15_000, 31_000, 63_000]);
    expect(eventsOf(p.sim, 'error')[0]!.time).toBe(127_000);
  });

  it('tcp_syn_linear_timeouts has no effect on the passive side: the SYN,ACK backs off 1, 2, 4 s', () => {
    const p = createScriptedPeer({ profile: 'linux' });
    p.listen(80);
    p.inject({ flags: 'S', options: { mss: 1000 } });
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      p.expect({ flags: 'S.', seq: 0, ack: 1 });
      times.push(p.sim.now);
    }
    expect(times).toEqual([0, 1000, 3000, 7000]);
  });

  it.each([
    ['rfc', 183_000],
    ['linux', 131_000],
    [{ base: 'linux', synLinearTimeouts: 0 }, 127_000],
    [{ base: 'linux', synRetries: 2, rtoMax: 1500 }, 8000],
  ] as const)(
    'RFC 6298 5.5: synGiveUpAfter(%j) is when the simulated SYN really gives up: %d ms',
    (spec, at) => {
      const p = createScriptedPeer({ profile: spec });
      p.connect();
      p.sim.run({ until: 300_000 }); // every SYN unanswered
      expect(eventsOf(p.sim, 'error')[0]?.time).toBe(at);
      expect(synGiveUpAfter(resolveProfile(spec))).toBe(at);
    },
  );

  it.each([
    ['rfc', 240_000],
    ['linux', 60_000],
  ] as const)('RFC 9293 3.4.2 / 3.10.8: TIME-WAIT lasts 2*MSL: %s %d ms', (profile, twoMsl) => {
    const { sim, client, server } = world({ profile });
    server.listen(80).on('connection', (s) => {
      s.on('data', () => {});
      s.on('end', () => s.end());
    });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.end('x'));
    sim.run();
    const tw = eventsOf(sim, 'tcp.state').filter((e) => e.host === 'client');
    const enter = tw.find((e) => e.to === 'TIME-WAIT')!;
    const leave = tw.find((e) => e.from === 'TIME-WAIT')!;
    expect(leave.time - enter.time).toBe(twoMsl);
  });

  it('RFC 6298 2.4: after a 10 ms RTT sample the RTO is rtoMin: 1 s (rfc); Linux adds rtoMin to SRTT: 210 ms', () => {
    for (const [profile, rto] of [
      ['rfc', 1000],
      ['linux', 210],
    ] as const) {
      const p = createScriptedPeer({ profile, delay: 5 });
      p.connect();
      p.expect({ flags: 'S' });
      p.inject({ flags: 'S.', ack: 1 });
      p.expect({ flags: '.' });
      p.sock.write('hello');
      p.expect({ flags: 'P.', seq: 1, len: 5 });
      p.expect({ flags: 'P.', seq: 1, len: 5, after: rto }); // not acknowledged: retransmitted after one RTO
    }
  });

  it.each([
    ['rfc', 'R', 0],
    ['linux', 'R.', 1],
  ] as const)('3.10.5 ABORT (%s): the reset is %s', (profile, flags, ack) => {
    const p = createScriptedPeer({ profile });
    p.connect();
    p.expect({ flags: 'S' });
    p.inject({ flags: 'S.', ack: 1 });
    p.expect({ flags: '.' });
    p.sock.destroy();
    const rst = p.expect({ flags, seq: 1, after: 0 });
    if (ack) expect(rst.ack).toBe(p.peerIss + 1);
  });

  it.each([
    ['close', 'CLOSED'],
    ['ignore', 'TIME-WAIT'],
  ] as const)(
    'RFC 9293 3.10.7.4 / RFC 1337: a RST at RCV.NXT in TIME-WAIT with rstInTimeWait=%s leaves %s',
    (rule, state) => {
      const p = createScriptedPeer({ profile: { rstInTimeWait: rule } });
      p.connect();
      p.expect({ flags: 'S' });
      p.inject({ flags: 'S.', ack: 1 });
      p.expect({ flags: '.' });
      p.sock.end();
      p.expect({ flags: 'F.', seq: 1 });
      p.inject({ flags: 'F.', ack: 2 });
      p.expect({ flags: '.', ack: 2 });
      expect(p.sock.state).toBe('TIME-WAIT');
      p.inject({ flags: 'R', seq: 2 });
      p.expectNothing(10);
      expect(p.sock.state).toBe(state);
    },
  );
});

describe('profile knobs for other stacks', () => {
  function established(profile: ProfileSpec, peerMss: number) {
    const p = createScriptedPeer({ profile, receiveBuffer: 65536 }).listen(80);
    p.inject({ flags: 'S', options: { mss: peerMss } });
    p.expect({ flags: 'S.' });
    p.inject({ flags: '.', ack: 1 });
    return p;
  }

  it('receiveBufferRoundsToMss (FreeBSD tcp_mss: roundup(65536, 1460) = 65700): the window covers 65700 octets', () => {
    // 1000 unread octets: 65700 - 1000 = 64700 open, against 64536 without rounding.
    for (const [round, open] of [
      [true, 64700],
      [false, 64536],
    ] as const) {
      const p = established({ receiveBufferRoundsToMss: round, delayedAckMax: 0, windowScale: 6 }, 1460);
      p.inject({ flags: 'P.', payload: 1000 });
      const ack = p.expect({ flags: '.', ack: 1001 });
      expect(ack.window).toBe(open);
    }
  });

  it('rfc5961Syn apart from rfc5961 (FreeBSD insecure_syn): RFC 793 reset for a SYN, challenge ACK for a RST', () => {
    const p = established({ rfc5961: true, rfc5961Syn: false }, 1460);
    p.inject({ flags: 'R', seq: 100 });
    p.expect({ flags: '.', ack: 1 }); // RFC 5961 3.2 challenge ACK
    p.inject({ flags: 'S', seq: 100 });
    p.expect({ flags: 'R.' }); // RFC 9293 3.10.7.4 fourth step without RFC 5961
    expect(p.sock.state).toBe('CLOSED');
  });
});
