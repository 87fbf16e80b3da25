/**
 * The options negotiated on the SYNs (RFC 7323 window scale and timestamps, RFC 2018 SACK) and the
 * options each outgoing segment carries. An option is in use only when both SYNs carried it.
 */
import { seqLe } from '../wire/seq.js';
import { SYN, type TcpOptions, type TcpSegment } from '../wire/tcp-segment.js';
import type { TimerProfile } from './timers.js';

/** Where SACK blocks come from (the receiver). */
export interface SackSource {
  sackBlocks(max: number): Array<{ left: number; right: number }>;
}

export class NegotiatedOptions {
  /** The window shift we offer (RFC 7323 2.2). */
  readonly offeredShift: number;
  /** Snd.Wind.Shift: applied to the peer's SEG.WND (0 unless both SYNs carried window scale). */
  sndShift = 0;
  /** Rcv.Wind.Shift: applied to the window we advertise. */
  rcvShift = 0;
  /** Both SYNs carried timestamps (RFC 7323 3.2). */
  tsOn = false;
  /** TS.Recent (RFC 7323 4.3). */
  tsRecent = 0;
  /** Both SYNs carried SACK-permitted (RFC 2018 2). */
  sackOn = false;

  constructor(
    private readonly profile: TimerProfile,
    rcvCapacity: number,
  ) {
    let shift = 0;
    while (rcvCapacity >>> shift > 65535) shift++;
    this.offeredShift = profile.windowScale === false ? 0 : Math.max(shift, profile.windowScale);
  }

  /** RFC 7323 2.2 / 3.2, RFC 2018 2: take what the peer's SYN offered. */
  takePeerOptions(seg: TcpSegment): void {
    const p = this.profile;
    if (p.windowScale !== false && seg.options.windowScale !== undefined) {
      this.sndShift = Math.min(14, seg.options.windowScale); // 2.3: a shift above 14 is taken as 14
      this.rcvShift = this.offeredShift;
    } else {
      this.sndShift = 0;
      this.rcvShift = 0;
    }
    this.sackOn = p.sack && seg.options.sackPermitted === true;
    this.tsOn = p.timestamps && seg.options.timestamp !== undefined;
    if (this.tsOn) this.tsRecent = seg.options.timestamp!.value;
  }

  /** SEG.WND as the octets it stands for: scaled except on SYNs (RFC 7323 2.2). */
  peerWindow(seg: TcpSegment): number {
    // (1 << shift), not 2 ** shift: the same number for a shift of at most 14, without a call to pow.
    return seg.flags & SYN ? seg.window : seg.window * (1 << this.sndShift);
  }

  /** RFC 7323 4.3: remember TS.Recent from a segment at or before RCV.NXT. */
  noteTimestamp(seg: TcpSegment, rcvNxt: number): void {
    const ts = seg.options.timestamp;
    if (this.tsOn && ts && seqLe(seg.seq, rcvNxt)) this.tsRecent = ts.value;
  }

  /** Octets of options on every non-SYN segment (RFC 7323 / RFC 6691: MSS less the timestamps). */
  get overhead(): number {
    return this.tsOn ? 12 : 0;
  }

  /**
   * Options for a non-SYN segment: timestamps, and SACK blocks (from the receiver's reassembly
   * queue) on segments without data (RFC 2018 4): three fit beside timestamps, four without.
   */
  segmentOptions(len: number, tsValue: number, receiver: SackSource): TcpOptions {
    if (!this.tsOn && !this.sackOn) return NO_OPTIONS;
    const options: {
      timestamp?: { value: number; echo: number };
      sack?: Array<{ left: number; right: number }>;
    } = {};
    if (this.tsOn) options.timestamp = { value: tsValue, echo: this.tsRecent };
    if (this.sackOn && len === 0) {
      const blocks = receiver.sackBlocks(this.tsOn ? 3 : 4);
      if (blocks.length > 0) options.sack = blocks;
    }
    return options;
  }

  /** Options on our SYN (all we offer) or SYN,ACK (only what the peer's SYN offered). */
  synOptions(synAck: boolean, mss: number, tsValue: number): TcpOptions {
    const p = this.profile;
    const options: {
      mss: number;
      windowScale?: number;
      sackPermitted?: boolean;
      timestamp?: { value: number; echo: number };
    } = { mss };
    if (
      synAck ? this.rcvShift > 0 || (this.sndShift > 0 && p.windowScale !== false) : p.windowScale !== false
    )
      options.windowScale = this.offeredShift;
    if (synAck ? this.sackOn : p.sack) options.sackPermitted = true;
    if (synAck ? this.tsOn : p.timestamps)
      options.timestamp = { value: tsValue, echo: synAck ? this.tsRecent : 0 };
    return options;
  }
}

export const NO_OPTIONS: TcpOptions = Object.freeze({});
