/**
 * Timer numbers, all in one profile object so that issue 8's `rfc` / `linux` profiles and the
 * delayed-ACK, persist and keep-alive timers have one place to live. Timers themselves are scheduler
 * events with deadlines; their names appear in the trace.
 */

export type TimerName = 'RTO' | 'SYN' | 'PERSIST' | '2MSL';

export interface TimerProfile {
  /** Initial RTO before any RTT sample, RFC 6298 2.1 (1 s). */
  readonly rtoInitial: number;
  /** Lower bound on the RTO, RFC 6298 2.4 (1 s; Linux uses 200 ms). */
  readonly rtoMin: number;
  /** Upper bound on the RTO, RFC 6298 2.5 (at least 60 s). */
  readonly rtoMax: number;
  /** RTO to use once data flows after the SYN or SYN-ACK was retransmitted, RFC 6298 5.7 (3 s). */
  readonly rtoAfterSynLoss: number;
  /** Clock granularity G in RFC 6298 2.2/2.3, in ms. */
  readonly clockGranularity: number;
  /** Maximum Segment Lifetime, RFC 9293 3.4.2 (2 minutes); TIME-WAIT lasts 2 * msl. */
  readonly msl: number;
  /** Retransmissions of a SYN or SYN-ACK before giving up (RFC 1122 4.2.3.5 R2 for SYNs). */
  readonly synRetries: number;
  /** Retransmissions of data or FIN before the connection fails with ETIMEDOUT (RFC 1122 R2). */
  readonly dataRetries: number;
}

/** The RFC's numbers. */
export const RFC_PROFILE: TimerProfile = {
  rtoInitial: 1000,
  rtoMin: 1000,
  rtoMax: 60_000,
  rtoAfterSynLoss: 3000,
  clockGranularity: 1,
  msl: 120_000,
  synRetries: 6,
  dataRetries: 15,
};

/** Linux's defaults: RTO min 200 ms, max 120 s, TIME_WAIT 60 s, tcp_syn_retries 6, tcp_retries2 15. */
export const LINUX_PROFILE: TimerProfile = {
  rtoInitial: 1000,
  rtoMin: 200,
  rtoMax: 120_000,
  rtoAfterSynLoss: 3000,
  clockGranularity: 1,
  msl: 30_000,
  synRetries: 6,
  dataRetries: 15,
};

export type ProfileSpec = 'rfc' | 'linux' | Partial<TimerProfile>;

export function resolveProfile(spec: ProfileSpec | undefined): TimerProfile {
  if (spec === undefined || spec === 'rfc') return RFC_PROFILE;
  if (spec === 'linux') return LINUX_PROFILE;
  return { ...RFC_PROFILE, ...spec };
}
