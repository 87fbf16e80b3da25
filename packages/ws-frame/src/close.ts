/**
 * RFC 6455 5.5.1 close frames and 7.4 status codes.
 *
 * A close payload is empty, or a 2-byte big-endian status code followed by a UTF-8 reason; the whole
 * payload is at most 125 bytes (5.5), so the reason is at most 123 bytes.
 */
import { type WebSocketError, wsError } from './errors.js';
import { decodeUtf8, encodeUtf8, isValidUtf8 } from './utf8.js';

export const CloseCode = {
  NormalClosure: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  /** 7.4.1: reserved, never sent: "no status code was actually present". */
  NoStatusReceived: 1005,
  /** 7.4.1: reserved, never sent: the connection closed abnormally, without a close frame. */
  AbnormalClosure: 1006,
  InvalidPayloadData: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  /** IANA WebSocket Close Code Number Registry (after RFC 6455): the service is restarting. */
  ServiceRestart: 1012,
  /** IANA registry: a temporary condition (e.g. overload); the client may try again later. */
  TryAgainLater: 1013,
  /** IANA registry: a gateway or proxy got an invalid response from the server behind it. */
  BadGateway: 1014,
} as const;

/**
 * 7.4.1/7.4.2: codes a peer may put on the wire. 1004 is reserved, 1005/1006/1015 are never sent,
 * 0-999 and 1016-2999 are not used; 3000-3999 are registered and 4000-4999 private. 1012-1014 were
 * added to IANA's WebSocket Close Code Number Registry after RFC 6455 (7.4.2 leaves 1000-2999 to
 * "this protocol, its future revisions, and extensions"); browsers and ws accept and echo them.
 */
export function isValidWireCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

export const MAX_CLOSE_REASON_BYTES = 123;

export interface ClosePayload {
  /** 1005 (NoStatusReceived) when the payload was empty. */
  code: number;
  reason: string;
}

/** Parses a received close payload; a violation comes back as the error to fail the connection with. */
export function parseClosePayload(payload: Uint8Array): ClosePayload | WebSocketError {
  if (payload.length === 0) return { code: CloseCode.NoStatusReceived, reason: '' };
  if (payload.length === 1) return wsError('WS_ERR_INVALID_CLOSE_PAYLOAD', 'close payload of 1 byte');
  const code = (payload[0]! << 8) | payload[1]!;
  if (!isValidWireCloseCode(code)) return wsError('WS_ERR_INVALID_CLOSE_CODE', `invalid close code ${code}`);
  const reasonBytes = payload.subarray(2);
  if (!isValidUtf8(reasonBytes)) return wsError('WS_ERR_INVALID_UTF8', 'close reason is not valid UTF-8');
  return { code, reason: decodeUtf8(reasonBytes) };
}

/** Encodes a close payload; `code` undefined gives the empty payload. Caller checks the limits. */
export function encodeClosePayload(code?: number, reason = ''): Uint8Array {
  if (code === undefined) return new Uint8Array(0);
  const reasonBytes = encodeUtf8(reason);
  const out = new Uint8Array(2 + reasonBytes.length);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  out.set(reasonBytes, 2);
  return out;
}
