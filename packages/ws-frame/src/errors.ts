/**
 * Every way a peer can break RFC 6455, each with a stable code and the close code it is answered with.
 * This table is the ONE place where errors are mapped to the protocol's answer (ARCHITECTURE.md, errors):
 * the frame parser, the message assembler and the connection only name the code.
 */
export const ERROR_CLOSE_CODES = {
  /** RFC 6455 5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved. */
  WS_ERR_INVALID_OPCODE: 1002,
  /** RFC 6455 5.2: RSV1-3 MUST be 0 unless an extension defining them was negotiated. */
  WS_ERR_UNEXPECTED_RSV: 1002,
  /** RFC 6455 5.1: a server MUST close the connection on an unmasked client frame. */
  WS_ERR_EXPECTED_MASK: 1002,
  /** RFC 6455 5.1: a client MUST close the connection on a masked server frame. */
  WS_ERR_UNEXPECTED_MASK: 1002,
  /** RFC 6455 5.5: control frames MUST NOT be fragmented. */
  WS_ERR_FRAGMENTED_CONTROL_FRAME: 1002,
  /** RFC 6455 5.5: control frames MUST have a payload length of 125 bytes or less. */
  WS_ERR_CONTROL_FRAME_TOO_LONG: 1002,
  /** RFC 6455 5.2: in the 64-bit length form the most significant bit MUST be 0. */
  WS_ERR_INVALID_PAYLOAD_LENGTH: 1002,
  /** RFC 6455 5.4: a continuation frame with no message in progress. */
  WS_ERR_UNEXPECTED_CONTINUATION: 1002,
  /** RFC 6455 5.4: a new data frame while a fragmented message is still open. */
  WS_ERR_EXPECTED_CONTINUATION: 1002,
  /** RFC 6455 5.5.1: a close payload of exactly one byte cannot hold a status code. */
  WS_ERR_INVALID_CLOSE_PAYLOAD: 1002,
  /** RFC 6455 7.4: status codes outside 1000-1003, 1007-1011, 3000-4999 are invalid on the wire. */
  WS_ERR_INVALID_CLOSE_CODE: 1002,
  /** RFC 6455 8.1: text messages and close reasons MUST be valid UTF-8. */
  WS_ERR_INVALID_UTF8: 1007,
  /** RFC 7692 7.2.2: a compressed message that is not valid DEFLATE data (its payload is unusable). */
  WS_ERR_INVALID_COMPRESSED_DATA: 1007,
  /** RFC 6455 10.4: a message (or frame) above the configured payload limit. */
  WS_ERR_MESSAGE_TOO_BIG: 1009,
  /** RFC 6455 10.4: more fragments in one message than the configured limit (fragment floods). */
  WS_ERR_TOO_MANY_FRAGMENTS: 1009,
  /** RFC 6455 4.1: the server's opening handshake response is not acceptable; fail with 1006. */
  WS_ERR_HANDSHAKE_FAILED: 1006,
  /** RFC 6455 7.1.5: the TCP connection closed before the closing handshake completed. */
  WS_ERR_ABNORMAL_CLOSURE: 1006,
} as const;

export type WsErrorCode = keyof typeof ERROR_CLOSE_CODES;

/** A violation by the peer. Never thrown by the core: delivered as an `error` event. */
export class WebSocketError extends Error {
  override readonly name = 'WebSocketError';
  /** Stable, machine-readable code such as `WS_ERR_INVALID_UTF8`. */
  readonly code: WsErrorCode;
  /** The close code this violation is answered with (1006 means: never sent, connection dropped). */
  readonly closeCode: number;

  constructor(code: WsErrorCode, message: string) {
    super(message);
    this.code = code;
    this.closeCode = ERROR_CLOSE_CODES[code];
  }
}

export function wsError(code: WsErrorCode, message: string): WebSocketError {
  return new WebSocketError(code, message);
}

/**
 * Misuse of the API by local code (not the peer). Named after the DOMException names the WebSocket
 * interface throws (WHATWG WebSockets: InvalidStateError, InvalidAccessError, SyntaxError).
 */
export type UsageErrorCode =
  | 'ERR_INVALID_STATE'
  | 'ERR_INVALID_ACCESS'
  | 'ERR_SYNTAX'
  | 'ERR_INVALID_ARGUMENT';

export class WebSocketUsageError extends Error {
  override readonly name = 'WebSocketUsageError';
  readonly code: UsageErrorCode;
  constructor(code: UsageErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
