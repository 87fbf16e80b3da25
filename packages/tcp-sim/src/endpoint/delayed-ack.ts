/**
 * Delayed acknowledgments, RFC 9293 3.8.6.3, RFC 1122 4.2.3.2 and RFC 5681 4.2: an ACK for in-order
 * data may wait (less than 0.5 s) for data to ride on, but "an ACK SHOULD be generated for at least
 * every second full-sized segment", and "a TCP receiver SHOULD send an immediate duplicate ACK when
 * an out-of-order segment arrives" and "an immediate ACK when the incoming segment fills in all or
 * part of a gap". Linux counts octets: it acknowledges at once when more than one receive MSS is
 * unacknowledged (__tcp_ack_snd_check), which is "every second full-sized segment".
 */
export interface AckPolicyInput {
  /** Delayed ACKs enabled (profile.delayedAckMax > 0). */
  readonly enabled: boolean;
  /** The segment arrived out of order (beyond a hole) or filled (part of) a hole. */
  readonly outOfOrder: boolean;
  /** In-order octets received since our last ACK, this segment included. */
  readonly unackedOctets: number;
  /** The full-sized segment for this connection (the effective MSS). */
  readonly mss: number;
}

export type AckPolicy = 'now' | 'delay';

export function ackPolicy(input: AckPolicyInput): AckPolicy {
  if (!input.enabled || input.outOfOrder) return 'now';
  return input.unackedOctets > input.mss ? 'now' : 'delay';
}
