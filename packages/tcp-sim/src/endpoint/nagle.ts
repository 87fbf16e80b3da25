/**
 * Nagle's algorithm, RFC 1122 4.2.3.4 / RFC 9293 3.7.4: "If there is unacknowledged data (i.e.,
 * SND.NXT > SND.UNA), then the sending TCP buffers all user data (regardless of the PSH bit) until
 * the outstanding data has been acknowledged or until the TCP can send a full-sized segment."
 * As Linux (tcp_nagle_test), a segment that carries our FIN is never held back.
 */
export interface NagleInput {
  /** Nagle on for this socket (off = TCP_NODELAY). */
  readonly enabled: boolean;
  /** Octets of the segment about to be sent. */
  readonly len: number;
  /** Effective send MSS. */
  readonly mss: number;
  /** Octets sent and not yet acknowledged. */
  readonly flight: number;
  /** The segment would carry the FIN. */
  readonly fin: boolean;
}

/** True when the segment may go now. */
export function nagleAllows(input: NagleInput): boolean {
  if (!input.enabled || input.fin) return true;
  return input.len >= input.mss || input.flight === 0;
}
