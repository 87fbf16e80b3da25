/**
 * Retransmission timeout, RFC 6298. Pure functions over a small estimator record:
 * - 2.1 before any sample RTO = initial (1 s);
 * - 2.2 first sample R: SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4*RTTVAR);
 * - 2.3 later samples: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, SRTT = 7/8 SRTT + 1/8 R (RTTVAR first);
 * - 2.4/2.5 clamp to [min, max];
 * - 3 Karn's rule: no samples from retransmitted segments (the caller simply does not sample them);
 * - 5.5 back off: RTO = RTO * 2 on expiry, clamped to max;
 * - 5.7 after a lost SYN, RTO becomes 3 s when data transmission begins (if no sample was taken).
 */
import type { TimerProfile } from './timers.js';

export interface RttEstimator {
  readonly srtt: number | undefined;
  readonly rttvar: number | undefined;
  /** RTO before backoff. */
  readonly baseRto: number;
  /** Number of consecutive backoffs (5.5). */
  readonly backoff: number;
}

export function initialRtt(profile: TimerProfile): RttEstimator {
  return { srtt: undefined, rttvar: undefined, baseRto: profile.rtoInitial, backoff: 0 };
}

function clampRto(rto: number, profile: TimerProfile): number {
  return Math.min(profile.rtoMax, Math.max(profile.rtoMin, rto));
}

/**
 * The RTO for the estimates: RFC 6298 2.2/2.3 SRTT + max(G, 4*RTTVAR), clamped to [min, max]; or
 * Linux's SRTT + max(4*RTTVAR, rtoMin) (tcp_rtt_estimator keeps its variance term at least
 * TCP_RTO_MIN), clamped to the maximum.
 */
export function rtoFor(srtt: number, rttvar: number, profile: TimerProfile): number {
  if (profile.retransmitTimeoutRule === 'linux')
    return Math.min(profile.rtoMax, srtt + Math.max(4 * rttvar, profile.rtoMin));
  return clampRto(srtt + Math.max(profile.clockGranularity, 4 * rttvar), profile);
}

/** Takes one RTT measurement R (ms) per RFC 6298 2.2/2.3; a fresh sample also ends the backoff. */
export function sampleRtt(est: RttEstimator, r: number, profile: TimerProfile): RttEstimator {
  if (est.srtt === undefined || est.rttvar === undefined) {
    const srtt = r;
    const rttvar = r / 2;
    return { srtt, rttvar, baseRto: rtoFor(srtt, rttvar, profile), backoff: 0 };
  }
  const rttvar = 0.75 * est.rttvar + 0.25 * Math.abs(est.srtt - r);
  const srtt = 0.875 * est.srtt + 0.125 * r;
  return { srtt, rttvar, baseRto: rtoFor(srtt, rttvar, profile), backoff: 0 };
}

/** The RTO in force: base doubled per backoff, clamped to the maximum (5.5). */
export function currentRto(est: RttEstimator, profile: TimerProfile): number {
  return Math.min(profile.rtoMax, est.baseRto * 2 ** est.backoff);
}

/** 5.5: the timer expired, double the RTO. */
export function backOff(est: RttEstimator): RttEstimator {
  return { ...est, backoff: est.backoff + 1 };
}

/**
 * The SYN timer after `retransmissions` SYNs were resent: the first `synLinearTimeouts` keep the
 * initial RTO (Linux 6.5+, tcp_syn_linear_timeouts), then 5.5's doubling starts from it again:
 * Linux's 1, 1, 1, 1, 1, 2, 4, ... s; RFC 6298's 1, 2, 4, ... s when there are none.
 */
export function synRto(est: RttEstimator, retransmissions: number, profile: TimerProfile): number {
  const linear = profile.synLinearTimeouts;
  const doublings = retransmissions <= linear ? 0 : retransmissions - linear;
  return Math.min(profile.rtoMax, est.baseRto * 2 ** doublings);
}

/** 5.7: the SYN was retransmitted and no sample was taken: data transmission starts with RTO = 3 s. */
export function afterSynLoss(est: RttEstimator, profile: TimerProfile): RttEstimator {
  if (est.srtt !== undefined) return { ...est, backoff: 0 };
  return { ...est, baseRto: Math.max(est.baseRto, profile.rtoAfterSynLoss), backoff: 0 };
}

/**
 * When an actively opened connection's unanswered SYN gives up, counted from the first
 * transmission: one timeout per retransmission plus the last, each the backed-off RTO (5.5) from the
 * initial RTO (2.1), capped at the maximum. RFC 6298's 6 retries from 1 s: 1 + 2 + ... + 64 = 127 s;
 * Linux 6.5+ retransmits `synLinearTimeouts` more times, the first ones 1 s apart:
 * 5 * 1 + 2 + 4 + ... + 64 = 131 s.
 */
export function synGiveUpAfter(profile: TimerProfile): number {
  const est = initialRtt(profile);
  let total = 0;
  for (let i = 0; i <= profile.synRetries + profile.synLinearTimeouts; i++) total += synRto(est, i, profile);
  return total;
}
