/**
 * Shell lines in backticks. The ones that set the stack up (`sysctl -w net.inet.tcp.*=...` on FreeBSD,
 * `sysctl -q net.ipv4.tcp_*=...` on Linux) are mapped onto tcp-sim profile fields and host buffers
 * where one exists; a value the simulator cannot take is an `Unsupported` outcome naming it, never a
 * failure of the stack. A sysctl whose value is what the simulator already does is accepted.
 */
import type { TimerProfile } from '@synack/tcp-sim';
import { Unsupported } from './outcome.js';

export type ProfileOverrides = { -readonly [K in keyof TimerProfile]?: TimerProfile[K] };

/** The stack settings a script's setup lines produce (applied when the simulated stack starts). */
export interface StackSettings {
  profile: ProfileOverrides;
  /** SO_RCVBUF / net.inet.tcp.recvspace, octets. */
  receiveBuffer: number | undefined;
  /** SO_SNDBUF / net.inet.tcp.sendspace, octets. */
  sendBuffer: number | undefined;
  /** FreeBSD knobs kept to compute profile fields from (kern.ipc.maxsockbuf, rexmit_min, rexmit_slop, rfc1323). */
  freebsd: {
    maxsockbuf: number;
    rexmitMin: number;
    rexmitSlop: number;
    rfc1323: boolean;
    insecureRst: boolean;
    insecureSyn: boolean;
  };
}

export function initialSettings(): StackSettings {
  return {
    profile: {},
    receiveBuffer: undefined,
    sendBuffer: undefined,
    freebsd: {
      maxsockbuf: 2 * 1024 * 1024,
      rexmitMin: 30,
      rexmitSlop: 200,
      rfc1323: true,
      insecureRst: false,
      insecureSyn: false,
    },
  };
}

/** FreeBSD's window scale request: the smallest shift with TCP_MAXWIN << shift >= sb_max. */
export function freebsdWindowShift(maxsockbuf: number): number {
  let shift = 0;
  while (shift < 14 && 65535 * 2 ** shift < maxsockbuf) shift++;
  return shift;
}

function int(name: string, value: string): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < 0) throw new Unsupported(`sysctl ${name}=${value}`);
  return v;
}

/** Applies one `name=value`; throws Unsupported for what cannot be modelled. */
export function applySysctl(s: StackSettings, name: string, value: string): void {
  const p = s.profile;
  const f = s.freebsd;
  const no = () => {
    throw new Unsupported(`sysctl ${name}=${value}`);
  };
  switch (name) {
    // ---- FreeBSD (net.inet.tcp.*, kern.ipc.*) ----
    case 'net.inet.tcp.rfc1323': {
      const v = int(name, value);
      if (v !== 0 && v !== 1) no(); // 2 and 3 (one of the two options) are not modelled
      f.rfc1323 = v === 1;
      p.timestamps = f.rfc1323;
      p.windowScale = f.rfc1323 ? freebsdWindowShift(f.maxsockbuf) : false;
      return;
    }
    case 'kern.ipc.maxsockbuf':
      f.maxsockbuf = int(name, value);
      if (f.rfc1323) p.windowScale = freebsdWindowShift(f.maxsockbuf);
      return;
    case 'net.inet.tcp.sack.enable':
      p.sack = int(name, value) !== 0;
      return;
    case 'net.inet.tcp.ecn.enable':
      // 0: off; 2: answer an ECN setup but never ask for one. Neither asks, and no script here asks.
      if (value !== '0' && value !== '2') no();
      return;
    case 'net.inet.tcp.ecn.maxretries':
      return; // only matters when ECN is requested, which the simulator never does
    case 'net.inet.tcp.blackhole':
      if (value !== '0') no(); // 0: closed ports answer with RST, as tcp-sim does
      return;
    case 'net.inet.tcp.recvspace':
      s.receiveBuffer = int(name, value);
      return;
    case 'net.inet.tcp.sendspace':
      s.sendBuffer = int(name, value);
      return;
    case 'net.inet.tcp.hostcache.purgenow':
      return; // no host cache in the simulator: nothing to flush
    case 'net.inet.tcp.insecure_rst':
      f.insecureRst = int(name, value) !== 0;
      p.rfc5961 = !f.insecureRst;
      return;
    case 'net.inet.tcp.insecure_syn':
      f.insecureSyn = int(name, value) !== 0;
      p.rfc5961Syn = !f.insecureSyn;
      return;
    case 'net.inet.tcp.rexmit_initial':
      p.rtoInitial = int(name, value);
      return;
    case 'net.inet.tcp.rexmit_min':
      f.rexmitMin = int(name, value);
      p.rtoMin = f.rexmitMin + f.rexmitSlop;
      return;
    case 'net.inet.tcp.rexmit_slop':
      f.rexmitSlop = int(name, value);
      p.rtoMin = f.rexmitMin + f.rexmitSlop;
      return;
    case 'net.inet.tcp.delacktime': {
      const v = int(name, value);
      p.delayedAckMin = v;
      p.delayedAckMax = v;
      return;
    }
    case 'net.inet.tcp.delayed_ack':
      if (value === '0') p.delayedAckMax = 0;
      return;
    case 'net.inet.tcp.msl':
      p.msl = int(name, value);
      return;
    case 'net.inet.tcp.keepidle':
      p.keepAliveIdle = int(name, value);
      return;
    case 'net.inet.tcp.keepintvl':
      p.keepAliveInterval = int(name, value);
      return;
    case 'net.inet.tcp.keepcnt':
      p.keepAliveProbes = int(name, value);
      return;
    case 'net.inet.tcp.finwait2_timeout':
      p.finWait2Timeout = int(name, value);
      return;
    case 'net.inet.tcp.rexmit_drop_options':
      if (value !== '0') no(); // 0: a retransmitted SYN keeps its options, as tcp-sim's does
      return;
    case 'net.inet.tcp.keepinit':
      if (value !== '75000') no(); // the connection-establishment timer is not a profile field
      return;
    case 'net.inet.tcp.drop_synfin':
      if (value !== '0') no(); // dropping SYN+FIN segments is not modelled
      return;
    // ---- Linux (net.ipv4.tcp_*) ----
    case 'net.ipv4.tcp_timestamps':
      p.timestamps = value !== '0';
      return;
    case 'net.ipv4.tcp_sack':
      p.sack = value !== '0';
      return;
    case 'net.ipv4.tcp_window_scaling':
      p.windowScale = value === '0' ? false : 7;
      return;
    case 'net.ipv4.tcp_syn_retries':
      p.synRetries = int(name, value);
      return;
    case 'net.ipv4.tcp_retries2':
      p.dataRetries = int(name, value);
      return;
    case 'net.ipv4.tcp_fin_timeout':
      p.finWait2Timeout = int(name, value) * 1000;
      return;
    case 'net.ipv4.tcp_keepalive_time':
      p.keepAliveIdle = int(name, value) * 1000;
      return;
    case 'net.ipv4.tcp_keepalive_intvl':
      p.keepAliveInterval = int(name, value) * 1000;
      return;
    case 'net.ipv4.tcp_keepalive_probes':
      p.keepAliveProbes = int(name, value);
      return;
    case 'net.ipv4.tcp_rfc1337':
      p.rstInTimeWait = value === '0' ? 'close' : 'ignore';
      return;
    case 'net.ipv4.tcp_ecn':
      if (value !== '0' && value !== '2') no();
      return;
    case 'net.ipv4.tcp_dsack':
    case 'net.ipv4.tcp_fack':
    case 'net.ipv4.tcp_ecn_option':
    case 'net.ipv4.tcp_notsent_lowat':
    case 'net.ipv4.tcp_fastopen_key':
      return; // no effect on what the simulator sends in the scripts it runs
    default:
      no();
  }
}
