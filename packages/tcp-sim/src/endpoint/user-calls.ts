/**
 * The user calls of RFC 9293 3.10.1-3.10.6 as decision tables: for a call in a state, what the TCP
 * does. The connection applies the decision; the socket maps errors to Node-style codes in one place
 * (`userCallError`).
 */
import type { ErrorCode } from '../trace/events.js';
import type { TcpState } from './states.js';

export type SendDecision = 'queue' | 'segmentize' | 'connection-closing' | 'connection-does-not-exist';

/** 3.10.2 SEND call, per state. */
export function sendDecision(state: TcpState): SendDecision {
  switch (state) {
    case 'SYN-SENT':
    case 'SYN-RCVD':
      return 'queue'; // "Queue the data for transmission after entering ESTABLISHED state."
    case 'ESTABLISHED':
    case 'CLOSE-WAIT':
      return 'segmentize';
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
    case 'CLOSING':
    case 'LAST-ACK':
    case 'TIME-WAIT':
      return 'connection-closing'; // "Return 'error: connection closing' and do not service request."
    default:
      return 'connection-does-not-exist';
  }
}

export type CloseDecision = 'delete-tcb' | 'queue-fin' | 'connection-closing' | 'connection-does-not-exist';

/** 3.10.4 CLOSE call, per state. */
export function closeDecision(state: TcpState): CloseDecision {
  switch (state) {
    case 'LISTEN':
    case 'SYN-SENT':
      // "Delete the TCB and return 'error: closing' responses to any queued SENDs, or RECEIVEs."
      // A SYN,ACK arriving later finds no connection and is answered <SEQ=SEG.ACK><CTL=RST>.
      return 'delete-tcb';
    case 'SYN-RCVD':
    case 'ESTABLISHED':
    case 'CLOSE-WAIT':
      return 'queue-fin';
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
    case 'CLOSING':
    case 'LAST-ACK':
    case 'TIME-WAIT':
      return 'connection-closing';
    default:
      return 'connection-does-not-exist';
  }
}

/** 3.10.5 ABORT: whether a RST goes out (only in SYN-RCVD, ESTABLISHED, FIN-WAIT-*, CLOSE-WAIT). */
export function abortSendsReset(state: TcpState): boolean {
  return (
    state === 'SYN-RCVD' ||
    state === 'ESTABLISHED' ||
    state === 'FIN-WAIT-1' ||
    state === 'FIN-WAIT-2' ||
    state === 'CLOSE-WAIT'
  );
}

/** The one place where RFC error strings become Node-style codes. */
export function userCallError(decision: SendDecision | CloseDecision): ErrorCode | undefined {
  if (decision === 'connection-closing' || decision === 'connection-does-not-exist') return 'EPIPE';
  return undefined;
}
