/**
 * The eleven connection states of RFC 9293 3.3.2, spelled as the RFC spells them, in diagram order
 * so range predicates mean something.
 */
export const TCP_STATES = [
  'CLOSED',
  'LISTEN',
  'SYN-SENT',
  'SYN-RCVD',
  'ESTABLISHED',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'CLOSE-WAIT',
  'CLOSING',
  'LAST-ACK',
  'TIME-WAIT',
] as const;

export type TcpState = (typeof TCP_STATES)[number];

/** RFC 9293 3.5: the states in which the connection is synchronized (both ISNs known). */
export function isSynchronized(state: TcpState): boolean {
  return state !== 'CLOSED' && state !== 'LISTEN' && state !== 'SYN-SENT';
}

/** States in which we may still send data (RFC 9293 3.10.2 SEND). */
export function canSendData(state: TcpState): boolean {
  return state === 'ESTABLISHED' || state === 'CLOSE-WAIT';
}

/** States in which data from the peer is still accepted (RFC 9293 3.10.7.4 seventh step). */
export function canReceiveData(state: TcpState): boolean {
  return state === 'ESTABLISHED' || state === 'FIN-WAIT-1' || state === 'FIN-WAIT-2';
}

/** States after our FIN was queued: we must not accept new user data (RFC 9293 3.10.2). */
export function hasClosedSending(state: TcpState): boolean {
  return (
    state === 'FIN-WAIT-1' ||
    state === 'FIN-WAIT-2' ||
    state === 'CLOSING' ||
    state === 'LAST-ACK' ||
    state === 'TIME-WAIT'
  );
}
