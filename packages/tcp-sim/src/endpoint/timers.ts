/**
 * The timer profile: every number and every RFC-vs-Linux choice a connection makes, in one object,
 * so that `rfc` and `linux` differ only here and every value can be overridden. Timers themselves
 * are scheduler events with deadlines; their names appear in the trace.
 */
import type { OptionLayout } from '../wire/tcp-segment.js';

export type TimerName =
  | 'RTO'
  | 'SYN'
  | 'PERSIST'
  | '2MSL'
  /** Delayed ACK, RFC 9293 3.8.6.3 / RFC 1122 4.2.3.2. */
  | 'DELACK'
  /** Keep-alive, RFC 9293 3.8.4 / RFC 1122 4.2.3.6. */
  | 'KEEPALIVE'
  /** User timeout, RFC 9293 3.8.3 / RFC 5482 (Linux TCP_USER_TIMEOUT). */
  | 'USER'
  /** FIN-WAIT-2 timeout for a fully closed socket (Linux tcp_fin_timeout). */
  | 'FIN-WAIT-2';

export interface TimerProfile {
  /** Initial RTO before any RTT sample, RFC 6298 2.1 (1 s). */
  readonly rtoInitial: number;
  /** Lower bound on the RTO, RFC 6298 2.4 (1 s; Linux uses 200 ms). */
  readonly rtoMin: number;
  /** Upper bound on the RTO, RFC 6298 2.5 (at least 60 s; Linux 120 s). */
  readonly rtoMax: number;
  /** RTO to use once data flows after the SYN or SYN-ACK was retransmitted, RFC 6298 5.7 (3 s). */
  readonly rtoAfterSynLoss: number;
  /** Clock granularity G in RFC 6298 2.2/2.3, in ms. */
  readonly clockGranularity: number;
  /** Maximum Segment Lifetime, RFC 9293 3.4.2 (2 minutes); TIME-WAIT lasts 2 * msl (240 s; Linux 60 s). */
  readonly msl: number;
  /**
   * Retransmissions of a SYN or SYN-ACK before giving up: rfc 7 (183 s, MUST-23 asks for at least
   * 3 minutes); Linux tcp_syn_retries 6 (1+2+...+64 = 127 s).
   */
  readonly synRetries: number;
  /** Retransmissions of data or FIN before the connection fails with ETIMEDOUT (RFC 1122 R2; Linux tcp_retries2). */
  readonly dataRetries: number;
  /**
   * Delayed ACK, RFC 9293 3.8.6.3: the longest an ACK for in-order data waits (RFC: < 500 ms, 200 ms
   * customary). 0 turns delayed ACKs off (every segment is acknowledged at once).
   */
  readonly delayedAckMax: number;
  /** Shortest delayed-ACK wait (Linux TCP_ATO_MIN 40 ms); the wait is clamp(SRTT / 2, min, max). */
  readonly delayedAckMin: number;
  /** Initial congestion window in segments (RFC 6928 / Linux: 10), or RFC 5681 3.1's formula. */
  readonly initialWindow: number | 'rfc5681';
  /** ABORT's reset carries ACK (Linux tcp_send_active_reset) or is a bare <SEQ=SND.NXT><CTL=RST> (RFC 9293 3.10.5). */
  readonly abortRstWithAck: boolean;
  /**
   * Zero-window probes (RFC 9293 3.8.6.1): 'one-octet' sends the next octet of data beyond the
   * window, as the RFC describes; 'snd-una-minus-1' sends a zero-length ACK at SND.UNA - 1 (Linux).
   */
  readonly zeroWindowProbe: 'one-octet' | 'snd-una-minus-1';
  /** Unanswered zero-window probes before the connection is aborted (Linux: tcp_retries2). Answered probes never count. */
  readonly probeRetries: number;
  /** An acceptable RST in TIME-WAIT: 'close' (RFC 9293 3.10.7.4, Linux tcp_rfc1337 = 0) or 'ignore' (RFC 1337). */
  readonly rstInTimeWait: 'close' | 'ignore';
  /** RFC 5961 challenge ACKs for in-window RSTs and SYNs (both RFC 9293 and Linux: on). */
  readonly rfc5961: boolean;
  /**
   * RFC 5961 7 ACK throttling: the shortest time (ms) between two challenge ACKs of one connection;
   * 0 = no limit. Linux: one per 500 ms per socket (tcp_invalid_ratelimit). RFC 5961 asks for a
   * limit without a number; the rfc profile takes Linux's per-connection 500 ms.
   */
  readonly challengeAckInterval: number;
  /**
   * Nagle's algorithm on new sockets (RFC 1122 4.2.3.4; per socket with setNoDelay). Off in both
   * profiles: WebSocket stacks (ws, Chromium) set TCP_NODELAY on their sockets.
   */
  readonly nagle: boolean;
  /** Keep-alive idle time before the first probe (RFC 1122 4.2.3.6: >= 2 h; Linux tcp_keepalive_time). */
  readonly keepAliveIdle: number;
  /** Interval between unanswered keep-alive probes (Linux tcp_keepalive_intvl 75 s). */
  readonly keepAliveInterval: number;
  /** Unanswered keep-alive probes before ETIMEDOUT (Linux tcp_keepalive_probes 9). */
  readonly keepAliveProbes: number;
  /** Keep-alive on for new sockets (RFC 1122 4.2.3.6: MUST default to off). */
  readonly keepAlive: boolean;
  /**
   * User timeout, RFC 9293 3.8.3 / RFC 5482: data unacknowledged this long aborts the connection with
   * ETIMEDOUT, whatever the retry count. 0 = off (the retry limits decide; Linux's default).
   */
  readonly userTimeout: number;
  /** FIN-WAIT-2 timeout for a fully closed socket (Linux tcp_fin_timeout 60 s); 0 = wait forever (RFC). */
  readonly finWait2Timeout: number;
  /**
   * Window scale (RFC 7323 2): the shift we offer on our SYN (at least what the receive buffer
   * needs), or false to offer none. Used only when both SYNs carry the option. Linux offers 7.
   */
  readonly windowScale: number | false;
  /** Offer SACK-permitted (RFC 2018); SACK blocks flow when both SYNs carry it. */
  readonly sack: boolean;
  /** Offer timestamps (RFC 7323 3); used when both SYNs carry them. */
  readonly timestamps: boolean;
  /**
   * How the RTO follows the estimates: 'rfc6298' is RFC 6298 2.2/2.3, SRTT + max(G, 4*RTTVAR) clamped
   * to [rtoMin, rtoMax]; 'linux' is SRTT + max(4*RTTVAR, rtoMin) (tcp_set_rto: RTTVAR never counts
   * for less than TCP_RTO_MIN), so 300 ms at a 100 ms RTT and 210 ms at 10 ms.
   */
  readonly retransmitTimeoutRule: 'rfc6298' | 'linux';
  /**
   * SYN retransmissions at the initial RTO before the exponential backoff starts (Linux 6.5+
   * tcp_syn_linear_timeouts 4: SYNs 1 s apart five times, then 2, 4, ... s). 0 = RFC 6298 5.5 from the first.
   */
  readonly synLinearTimeouts: number;
  /**
   * A listener with backlog N completes N + 1 handshakes before it drops SYNs (Linux's
   * sk_acceptq_is_full tests "more than backlog"); false: N connections, half-open ones counted.
   */
  readonly backlogPlusOne: boolean;
  /**
   * Linux's ACK pacing (quick-ack.ts) when > 0: up to this many ACKs at once after the first data
   * (quick-ACK mode, TCP_MAX_QUICKACKS 16), none while replies flow (ping-pong), and a FIN received
   * in ESTABLISHED acknowledged late or on our reply. 0: RFC 9293 3.8.6.3 / RFC 5681 4.2 alone.
   */
  readonly quickAcks: number;
  /**
   * How options are laid out on the wire (No-Operation alignment, order): 'compact' when absent.
   * Set by the `linux` and `freebsd` profiles so that captures and packetdrill scripts see the
   * layout those stacks send.
   */
  readonly optionLayout?: OptionLayout;
  /**
   * RFC 5961 4.2 challenge ACKs for SYNs in synchronized states, apart from RSTs (FreeBSD's
   * net.inet.tcp.insecure_syn is its own switch); absent: as `rfc5961`.
   */
  readonly rfc5961Syn?: boolean;
  /**
   * The receive buffer is rounded up to a whole number of segments once the send MSS is known
   * (FreeBSD's tcp_mss(): `sb_hiwat = roundup(recvspace, mss)`, so 65536 octets become 65700 with an
   * MSS of 1460, and the window grows with it). Absent: the buffer stays as configured.
   */
  readonly receiveBufferRoundsToMss?: boolean;
}

/** The RFCs' numbers: RFC 6298, RFC 9293, RFC 1122, RFC 5681. */
export const RFC_PROFILE: TimerProfile = {
  rtoInitial: 1000,
  rtoMin: 1000,
  rtoMax: 60_000,
  rtoAfterSynLoss: 3000,
  clockGranularity: 1,
  msl: 120_000,
  // RFC 9293 MUST-23 (RFC 1122 4.2.3.5): a SYN is retried for at least 3 minutes. With RTOs
  // 1, 2, 4, 8, 16, 32, 60, 60 s (rtoMax 60 s) seven retransmissions give up at 183 s.
  synRetries: 7,
  dataRetries: 15,
  delayedAckMax: 200,
  delayedAckMin: 200,
  initialWindow: 'rfc5681',
  abortRstWithAck: false,
  zeroWindowProbe: 'one-octet',
  probeRetries: 15,
  rstInTimeWait: 'close',
  rfc5961: true,
  challengeAckInterval: 500,
  nagle: false,
  keepAliveIdle: 7_200_000,
  keepAliveInterval: 75_000,
  keepAliveProbes: 9,
  keepAlive: false,
  userTimeout: 0,
  finWait2Timeout: 0,
  windowScale: false,
  sack: false,
  timestamps: false,
  retransmitTimeoutRule: 'rfc6298',
  synLinearTimeouts: 0,
  backlogPlusOne: false,
  quickAcks: 0,
};

/**
 * Linux's defaults (kernel 6.x): RTO min 200 ms added to SRTT, max 120 s, TIME_WAIT 60 s,
 * tcp_syn_retries 6 with tcp_syn_linear_timeouts 4 (SYNs at 1, 2, 3, 4, 5, 7 s, gives up at 11 s),
 * listen backlog N + 1,
 * tcp_retries2 15, delayed ACK 40-200 ms, IW 10, RST,ACK on abort, probes at SND.UNA - 1,
 * tcp_fin_timeout 60 s.
 */
export const LINUX_PROFILE: TimerProfile = {
  ...RFC_PROFILE,
  rtoMin: 200,
  rtoMax: 120_000,
  synRetries: 6, // tcp_syn_retries: gives up at 127 s
  msl: 30_000,
  delayedAckMax: 200,
  delayedAckMin: 40,
  initialWindow: 10,
  abortRstWithAck: true,
  zeroWindowProbe: 'snd-una-minus-1',
  finWait2Timeout: 60_000,
  windowScale: 7,
  sack: true,
  timestamps: true,
  retransmitTimeoutRule: 'linux',
  synLinearTimeouts: 4,
  backlogPlusOne: true,
  quickAcks: 16,
  optionLayout: 'linux',
};

/**
 * FreeBSD's defaults (sys/netinet/tcp_timer.h, tcp_input.c, tcp_subr.c sysctls): net.inet.tcp.msl
 * 30 s (TIME-WAIT 60 s), rexmit_initial 1 s, RTO min 30 ms plus rexmit_slop 200 ms (taken together as
 * a 230 ms floor), TCPTV_REXMTMAX 64 s, delacktime 40 ms (fixed), initcwnd_segments 10, RST,ACK on
 * abort, one-octet window probes, insecure_rst = insecure_syn = 0 (RFC 5961 on), RST in TIME-WAIT
 * dropped (tcp_twcheck), Nagle on, keepcnt 8, fin_wait_2 timeout 60 s, window scale 6 (the shift
 * kern.ipc.maxsockbuf = 2 MiB needs), SACK and timestamps on, options laid out as tcp_addoptions() does.
 */
export const FREEBSD_PROFILE: TimerProfile = {
  ...RFC_PROFILE,
  rtoMin: 230,
  rtoMax: 64_000,
  msl: 30_000,
  delayedAckMin: 40,
  delayedAckMax: 40,
  initialWindow: 10,
  abortRstWithAck: true,
  rstInTimeWait: 'ignore',
  nagle: true,
  keepAliveProbes: 8,
  finWait2Timeout: 60_000,
  windowScale: 6,
  sack: true,
  timestamps: true,
  optionLayout: 'freebsd',
  receiveBufferRoundsToMss: true,
};

export type ProfileName = 'rfc' | 'linux' | 'freebsd';

/**
 * 'rfc', 'linux', overrides of the rfc profile (`{ msl: 1000 }`), or overrides of a named base
 * (`{ base: 'linux', rtoMin: 50 }`).
 */
export type ProfileSpec = ProfileName | (Partial<TimerProfile> & { readonly base?: ProfileName });

export const PROFILES: Readonly<Record<ProfileName, TimerProfile>> = {
  rfc: RFC_PROFILE,
  linux: LINUX_PROFILE,
  freebsd: FREEBSD_PROFILE,
};

/** Resolves a spec to a full profile; bad numbers throw RangeError (never a silent NaN timer). */
export function resolveProfile(spec: ProfileSpec | undefined): TimerProfile {
  if (spec === undefined) return RFC_PROFILE;
  if (typeof spec === 'string') {
    const named = PROFILES[spec];
    if (!named) throw new RangeError(`unknown profile: ${String(spec)}`);
    return named;
  }
  const { base, ...overrides } = spec;
  const baseProfile = base === undefined ? RFC_PROFILE : PROFILES[base];
  if (!baseProfile) throw new RangeError(`unknown profile: ${String(base)}`);
  const profile: TimerProfile = { ...baseProfile, ...overrides };
  validateProfile(profile);
  return profile;
}

function validateProfile(p: TimerProfile): void {
  const nonNegative: ReadonlyArray<keyof TimerProfile> = [
    'rtoInitial',
    'rtoMin',
    'rtoMax',
    'rtoAfterSynLoss',
    'clockGranularity',
    'msl',
    'synRetries',
    'dataRetries',
    'delayedAckMax',
    'delayedAckMin',
    'probeRetries',
    'challengeAckInterval',
    'keepAliveIdle',
    'keepAliveInterval',
    'keepAliveProbes',
    'userTimeout',
    'finWait2Timeout',
    'synLinearTimeouts',
    'quickAcks',
  ];
  for (const key of nonNegative) {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new RangeError(`profile.${key} must be a finite number >= 0, got ${String(v)}`);
  }
  if (p.rtoMin > p.rtoMax) throw new RangeError('profile.rtoMin must not exceed profile.rtoMax');
  if (p.delayedAckMax > 0 && p.delayedAckMin > p.delayedAckMax)
    throw new RangeError('profile.delayedAckMin must not exceed profile.delayedAckMax');
  if (
    p.windowScale !== false &&
    !(Number.isInteger(p.windowScale) && p.windowScale >= 0 && p.windowScale <= 14)
  )
    throw new RangeError('profile.windowScale must be false or an integer 0..14 (RFC 7323 2.3)');
  if (p.retransmitTimeoutRule !== 'rfc6298' && p.retransmitTimeoutRule !== 'linux')
    throw new RangeError(`profile.retransmitTimeoutRule must be 'rfc6298' or 'linux'`);
  if (!Number.isInteger(p.synLinearTimeouts))
    throw new RangeError('profile.synLinearTimeouts must be an integer >= 0');
  if (!Number.isInteger(p.quickAcks)) throw new RangeError('profile.quickAcks must be an integer >= 0');
  if (p.optionLayout !== undefined && !['compact', 'freebsd', 'linux'].includes(p.optionLayout))
    throw new RangeError(`profile.optionLayout must be 'compact', 'freebsd' or 'linux'`);
  if (p.initialWindow !== 'rfc5681' && !(Number.isInteger(p.initialWindow) && p.initialWindow >= 1))
    throw new RangeError(`profile.initialWindow must be 'rfc5681' or an integer >= 1`);
}

/** Integer microseconds for a time or delay in milliseconds (the one rounding of virtual time). */
export function toMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/** RFC 5681 3.1 / RFC 6928: the initial congestion window in octets for a sender MSS. */
export function initialWindowOctets(profile: TimerProfile, smss: number): number {
  if (profile.initialWindow === 'rfc5681') return Math.min(4 * smss, Math.max(2 * smss, 4380));
  return profile.initialWindow * smss;
}

/** RFC 9293 3.8.6.3 delayed-ACK wait: clamp(SRTT / 2, min, max) (a fixed wait when min = max). */
export function delayedAckTimeout(profile: TimerProfile, srtt: number | undefined): number {
  const guess = srtt === undefined ? profile.delayedAckMin : srtt / 2;
  return Math.min(profile.delayedAckMax, Math.max(profile.delayedAckMin, guess));
}
