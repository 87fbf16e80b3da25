/**
 * Keep-alive, RFC 1122 4.2.3.6 / RFC 9293 3.8.4 (off by default): after `idle` ms without hearing
 * from the peer, and with nothing outstanding, send <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>, which the
 * peer must answer; after keepAliveProbes unanswered probes the connection is reset (as Linux) and
 * fails with ETIMEDOUT. The timer follows Linux's: after an answered probe the next check comes
 * `keepAliveInterval` later and probes again only once `idle` of silence has passed.
 */
import { seqAdd } from '../wire/seq.js';
import { ACK, RST } from '../wire/tcp-segment.js';
import type { EndpointEnvironment } from './environment.js';
import type { TcpState } from './states.js';
import type { Tcb } from './tcb.js';
import { KEEPALIVE, type TimerSet } from './timer-set.js';

export interface KeepAlivePort {
  readonly env: EndpointEnvironment;
  readonly tcb: Tcb;
  readonly timers: TimerSet;
  readonly state: TcpState;
  readonly released: boolean;
  /** Octets written and not yet acknowledged. */
  readonly unacknowledged: number;
  emit(seq: number, len: number, flags: number, payload: undefined, cause: string): void;
  /** A segment outside the sequence flow (the final reset). */
  transmitRaw(seq: number, ack: number, flags: number, cause: string): void;
  timeout(cause: string): void;
  flush(): void;
}

export class KeepAlive {
  enabled: boolean;
  idle: number;
  /** Probes sent since the peer was last heard. */
  private probesOut = 0;
  /** When the peer was last heard (virtual time). */
  private lastHeard = 0;

  constructor(private readonly port: KeepAlivePort) {
    this.enabled = port.env.profile.keepAlive;
    this.idle = port.env.profile.keepAliveIdle;
    port.timers.on(KEEPALIVE, () => {
      this.fired();
      port.flush();
    });
  }

  /** Any segment from the peer. */
  heard(): void {
    this.lastHeard = this.port.env.now();
    this.probesOut = 0;
  }

  /** The connection is established: start watching. */
  start(): void {
    this.lastHeard = this.port.env.now();
    this.arm(this.idle);
  }

  /** SO_KEEPALIVE on or off, with an optional idle time. */
  set(enable: boolean, idle?: number): void {
    if (idle !== undefined) this.idle = idle;
    this.enabled = enable;
    this.port.timers.stop(KEEPALIVE);
    if (enable) this.arm(this.idle);
  }

  private arm(delay: number): void {
    if (!this.enabled || this.port.timers.isArmed(KEEPALIVE) || this.port.released) return;
    this.port.timers.arm(KEEPALIVE, 'KEEPALIVE', delay);
  }

  private fired(): void {
    const port = this.port;
    const s = port.state;
    if (!this.enabled || port.released) return;
    if (s !== 'ESTABLISHED' && s !== 'CLOSE-WAIT') {
      if (s === 'SYN-SENT' || s === 'SYN-RCVD') this.arm(this.idle);
      return;
    }
    const p = port.env.profile;
    const silent = port.env.now() - this.lastHeard;
    const tcb = port.tcb;
    if (this.probesOut === 0 && silent < this.idle) {
      this.arm(this.idle - silent);
      return;
    }
    if (tcb.sndMax !== tcb.sndUna || port.unacknowledged > 0) {
      this.arm(this.idle); // data outstanding: the retransmission timer watches the peer
      return;
    }
    if (this.probesOut >= p.keepAliveProbes) {
      port.transmitRaw(tcb.sndMax, tcb.rcvNxt, p.abortRstWithAck ? RST | ACK : RST, 'keep-alive timeout');
      port.timeout(`RFC 1122 4.2.3.6: ${this.probesOut} keep-alive probes unanswered`);
      return;
    }
    this.probesOut++;
    port.emit(seqAdd(tcb.sndMax, -1), 0, ACK, undefined, 'RFC 1122 4.2.3.6 keep-alive probe');
    this.arm(p.keepAliveInterval);
  }
}
