/**
 * Linux's ACK pacing, which decides where its pure ACKs go (tcp_input.c `tcp_event_data_recv`,
 * `__tcp_ack_snd_check`, `tcp_fin`; tcp_output.c `tcp_event_data_sent`, `tcp_send_delayed_ack`;
 * tcp_timer.c `tcp_delack_timer_handler`; the `linux` profile's `quickAcks`).
 *
 * Theory of operation: three values per connection. `quick` counts the ACKs still to be sent at once
 * (quick-ACK mode): the first data received sets it to min(RCV.WND / (2 * MSS), 16), and each ACK
 * that pays an owed acknowledgment uses one. `pingPong` marks an interactive connection: data sent
 * within `ato` of the last data received (a reply), or a FIN received in ESTABLISHED, turn it on,
 * and then ACKs wait to ride on the reply; a delayed-ACK timer that fires turns it off again. `ato`
 * is the delayed-ACK timeout, 40 ms (TCP_ATO_MIN) to start, adapted to the gaps between arrivals.
 * RFC 9293 3.8.6.3 and RFC 1122 4.2.3.2 allow all of this: an ACK may be delayed, by less than 0.5 s.
 */

/** TCP_ATO_MIN and TCP_DELACK_MIN: 40 ms (HZ / 25). */
export const ATO_MIN = 40;
/** TCP_MSS_DEFAULT: Linux's first estimate of the peer's segment size, for quick-ACK counting. */
export const DEFAULT_RCV_MSS = 536;
/** TCP_DELACK_MAX: 200 ms (HZ / 5). */
export const DELACK_MAX = 200;

export class AckPacing {
  /** ACKs still to be sent at once (quick-ACK mode while > 0 and not ping-pong). */
  quick = 0;
  /** Interactive mode: ACKs wait for the reply to carry them. */
  pingPong = false;
  /** The delayed-ACK timeout; 0 until the first data arrives. */
  ato = 0;
  /** When data last arrived (ms; the connection's start until then). */
  lastReceived = 0;

  constructor(private readonly maxQuick: number) {}

  /** Connection established: the reference instant for the first reply test. */
  started(now: number): void {
    this.lastReceived = now;
  }

  /** tcp_event_data_recv: in-order data arrived at `now`. */
  dataReceived(now: number, rcvWnd: number, mss: number, rto: number): void {
    if (this.ato === 0) {
      // The first data: quick-ACK mode, and ATO starts at its minimum.
      this.addQuick(rcvWnd, mss);
      this.ato = ATO_MIN;
    } else {
      const gap = now - this.lastReceived;
      if (gap <= ATO_MIN / 2) {
        this.ato = this.ato / 2 + ATO_MIN / 2;
      } else if (gap < this.ato) {
        this.ato = Math.min(this.ato / 2 + gap, rto);
      } else if (gap > rto) {
        // "Too long gap. Apparently sender failed to restart window, so that we send ACKs quickly."
        this.addQuick(rcvWnd, mss);
      }
    }
    this.lastReceived = now;
  }

  /** tcp_incr_quickack: RCV.WND / (2 * MSS) ACKs at once (at least 2, at most the profile's). */
  private addQuick(rcvWnd: number, mss: number): void {
    const n = Math.min(Math.max(Math.floor(rcvWnd / (2 * Math.max(1, mss))), 2), this.maxQuick);
    if (n > this.quick) this.quick = n;
  }

  /** tcp_in_quickack_mode: acknowledge at once. */
  get quickAckMode(): boolean {
    return this.quick > 0 && !this.pingPong;
  }

  /** tcp_dec_quickack_mode: an ACK that paid an owed acknowledgment went out. */
  ackSent(): void {
    if (this.quick === 0) return;
    this.quick--;
    if (this.quick === 0) this.ato = ATO_MIN; // leaving quick-ACK mode deflates ATO
  }

  /** tcp_event_data_sent: data sent within ATO of the last arrival is a reply: ping-pong. */
  dataSent(now: number): void {
    if (now - this.lastReceived < this.ato) this.pingPong = true;
  }

  /** tcp_fin in ESTABLISHED: the peer is done; our ACK may wait for our own FIN or reply. */
  finReceived(): void {
    this.pingPong = true;
  }

  /** tcp_delack_timer_handler: the ACK waited in vain. */
  delayedAckFired(rto: number): void {
    if (!this.pingPong) {
      this.ato = Math.min(this.ato * 2, rto);
    } else {
      this.pingPong = false;
      this.ato = ATO_MIN;
    }
  }

  /** tcp_send_delayed_ack: how long the owed ACK may wait. */
  delay(srtt: number | undefined): number {
    const ato = Math.max(this.ato, ATO_MIN);
    if (ato <= ATO_MIN) return ato;
    let max = this.pingPong ? DELACK_MAX : 500;
    if (srtt !== undefined) max = Math.min(max, Math.max(srtt, ATO_MIN));
    return Math.min(ato, max);
  }
}
