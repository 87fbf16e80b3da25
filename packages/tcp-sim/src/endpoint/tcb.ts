/**
 * The Transmission Control Block, RFC 9293 3.3.1: the variables of one connection. Each field keeps
 * its RFC name in the doc comment; all sequence fields are absolute unsigned 32-bit numbers.
 */
export interface Tcb {
  /** ISS: initial send sequence number. */
  iss: number;
  /** IRS: initial receive sequence number (0 until a SYN is seen). */
  irs: number;
  /** SND.UNA: oldest unacknowledged sequence number. */
  sndUna: number;
  /** SND.NXT: next sequence number to be sent. Invariant: SND.UNA <= SND.NXT <= sndMax. */
  sndNxt: number;
  /** Highest sequence number ever sent + 1 (Linux's snd_nxt before a go-back; used for ACK checks). */
  sndMax: number;
  /** SND.WND: the peer's advertised receive window. */
  sndWnd: number;
  /** SND.WL1: segment sequence number used for the last window update. */
  sndWl1: number;
  /** SND.WL2: segment acknowledgment number used for the last window update. */
  sndWl2: number;
  /** RCV.NXT: next sequence number expected on an incoming segment (left edge of the receive window). */
  rcvNxt: number;
  /** RCV.WND: receive window we advertise; never shrinks its right edge (RFC 9293 3.8.6.2.2). */
  rcvWnd: number;
  /** Effective send MSS: min(peer's MSS option or 536, our MSS), RFC 9293 3.7.1. */
  sndMss: number;
  /** MSS we announce: the link MTU minus 40 octets of IPv4 and TCP headers. */
  rcvMss: number;
}

/** A read-only copy of the TCB plus the RFC 6298 estimators, as `SimSocket.tcb` exposes it. */
export interface TcbSnapshot extends Readonly<Tcb> {
  /** SRTT in ms, undefined before the first RTT sample (RFC 6298 2.1). */
  readonly srtt: number | undefined;
  /** RTTVAR in ms, undefined before the first RTT sample. */
  readonly rttvar: number | undefined;
  /** RTO in ms, including the current exponential backoff. */
  readonly rto: number;
  /** cwnd in octets, RFC 5681 (Infinity without congestion control). */
  readonly cwnd: number;
  /** ssthresh in octets, RFC 5681 (Infinity without congestion control). */
  readonly ssthresh: number;
  /** Octets sent and not yet acknowledged (FlightSize, RFC 5681 2). */
  readonly flight: number;
}

export function createTcb(): Tcb {
  return {
    iss: 0,
    irs: 0,
    sndUna: 0,
    sndNxt: 0,
    sndMax: 0,
    sndWnd: 0,
    sndWl1: 0,
    sndWl2: 0,
    rcvNxt: 0,
    rcvWnd: 0,
    sndMss: 536,
    rcvMss: 1460,
  };
}
