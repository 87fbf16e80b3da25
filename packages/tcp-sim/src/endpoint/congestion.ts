/**
 * The congestion-control seam (RFC 5681 arrives with issue 8). The sender asks the controller for a
 * congestion window and tells it about ACKs and timeouts; the default controller imposes no limit, so
 * issue 4's sender is limited by the peer's window alone.
 */
export interface CongestionController {
  /** cwnd in octets; the sender keeps min(cwnd, SND.WND) - flight size as its usable window. */
  readonly cwnd: number;
  /** Called for every ACK that advances SND.UNA, with the number of octets newly acknowledged. */
  onAck(ackedOctets: number): void;
  /** Called when the retransmission timer expires (RFC 5681 3.1 eq. 4 resets cwnd here). */
  onRetransmissionTimeout(): void;
  /** Called for each duplicate ACK (RFC 5681 3.2 fast retransmit hooks in here). */
  onDuplicateAck(): void;
}

export type CongestionFactory = (mss: number) => CongestionController;

export const noCongestionControl: CongestionFactory = () => ({
  cwnd: Number.POSITIVE_INFINITY,
  onAck() {},
  onRetransmissionTimeout() {},
  onDuplicateAck() {},
});
