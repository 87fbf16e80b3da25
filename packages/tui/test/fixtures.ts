/** Hand-built view-model values: the shapes @synack/scenarios' viewAt returns, for pane tests. */
import type { ArrowView, EndpointView, TcpStateName, View } from '../src/model.js';
import { maskedText, packet, toHex } from './packets.js';

/** Fields newer view models add (why a segment was lost); spread, so older models still type-check. */
const newer = { dropReason: undefined };

export function arrow(over: Partial<ArrowView> & { segmentId: number }): ArrowView {
  return {
    from: 'client',
    to: 'server',
    sentAt: 0,
    endAt: 5,
    fate: 'delivered',
    flags: ['SYN'],
    seq: 0,
    ack: 0,
    len: 0,
    window: 65535,
    retransmission: false,
    carries: undefined,
    hex: toHex(packet({ flags: 0x02 })),
    copy: 0,
    ...newer,
    ...over,
  };
}

export function endpoint(over: Partial<EndpointView> & { name: string }): EndpointView {
  return {
    role: over.name === 'server' ? 'server' : 'client',
    address: over.name === 'server' ? '10.0.0.2' : '10.0.0.1',
    port: over.name === 'server' ? 17122 : 50000,
    tcp: 'ESTABLISHED',
    lastTransition: undefined,
    tcb: { iss: 1000, irs: 5000, sndUna: 1, sndNxt: 1, sndWnd: 65535, rcvNxt: 1, rcvWnd: 65535 },
    timers: [],
    ws: 'OPEN',
    ...over,
  };
}

const transition = (from: TcpStateName, to: TcpStateName, time: number) => ({
  from,
  to,
  time,
  cause: 'test',
});

/** The blog's exchange up to the client's text frame, with the handshake complete on both sides. */
export function blogView(over: Partial<View> = {}): View {
  const frame = maskedText('type=add&ming=Muxer');
  return {
    time: 17,
    cursor: 11,
    total: 40,
    endpoints: [
      endpoint({ name: 'client', lastTransition: transition('SYN-SENT', 'ESTABLISHED', 10) }),
      endpoint({
        name: 'server',
        lastTransition: transition('SYN-RCVD', 'ESTABLISHED', 15),
        timers: [{ kind: 'RTO', setAt: 12, deadline: 1012 }],
      }),
    ],
    arrows: [
      arrow({ segmentId: 1, flags: ['SYN'], sentAt: 0, endAt: 5 }),
      arrow({
        segmentId: 2,
        from: 'server',
        to: 'client',
        flags: ['SYN', 'ACK'],
        ack: 1,
        sentAt: 5,
        endAt: 10,
      }),
      arrow({ segmentId: 3, flags: ['ACK'], seq: 1, ack: 1, sentAt: 10, endAt: 15 }),
      arrow({
        segmentId: 4,
        flags: ['PSH', 'ACK'],
        seq: 1,
        ack: 1,
        len: frame.length,
        sentAt: 12,
        endAt: 17,
        fate: 'in-flight',
        carries: 'WS text "type=add&ming=Muxer" (masked)',
        hex: toHex(packet({ flags: 0x18, seq: 1001, ack: 5001, payload: frame })),
      }),
    ],
    narration: undefined,
    ...over,
  };
}
