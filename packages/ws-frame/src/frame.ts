/**
 * RFC 6455 5.2 base framing: the frame value, its opcodes and the encoder.
 *
 *   0                   1                   2                   3
 *   |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 *   |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 *   |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 *   | |1|2|3|       |K|             |                               |
 *   ... Masking-key (0 or 4 bytes) ... Payload Data ...
 */
import { WebSocketUsageError } from './errors.js';
import { applyMask } from './mask.js';

export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** RFC 6455 5.2: %x3-7 and %xB-F are reserved; a frame carrying one is a protocol error. */
export function isKnownOpcode(opcode: number): opcode is Opcode {
  return opcode <= 2 || (opcode >= 8 && opcode <= 10);
}

/** RFC 6455 5.5: control frames are identified by opcodes where the most significant bit is 1. */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

export const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'continuation',
  1: 'text',
  2: 'binary',
  8: 'close',
  9: 'ping',
  10: 'pong',
};

/** RSV bits as a 3-bit number: 0b100 = RSV1, 0b010 = RSV2, 0b001 = RSV3. */
export type RsvBits = number;

/** A whole frame, payload unmasked. */
export interface Frame {
  fin: boolean;
  rsv: RsvBits;
  opcode: number;
  payload: Uint8Array;
}

export interface FrameInput {
  opcode: number;
  payload?: Uint8Array;
  /** Default true. */
  fin?: boolean;
  /** Default 0. */
  rsv?: RsvBits;
}

export interface EncodeOptions {
  /** 4-byte masking key; when present the frame is masked (RFC 6455 5.3). */
  mask?: Uint8Array;
  /**
   * Force a length form (7, 16 or 64 bits). The encoder picks the shortest by default; RFC 6455 5.2
   * asks for the minimal form, yet receivers must not require it, so tests can build longer forms.
   */
  lengthForm?: 7 | 16 | 64;
}

/** Largest payload the 64-bit form can carry with its most significant bit clear, within JS numbers. */
const MAX_ENCODABLE = Number.MAX_SAFE_INTEGER;

/** Length of the header for a payload of `length` bytes. */
export function headerLength(length: number, masked: boolean, lengthForm?: 7 | 16 | 64): number {
  const form = lengthForm ?? (length < 126 ? 7 : length < 0x10000 ? 16 : 64);
  return 2 + (form === 7 ? 0 : form === 16 ? 2 : 8) + (masked ? 4 : 0);
}

/** Encodes only the header of a frame whose payload is `length` bytes long. */
export function encodeFrameHeader(
  frame: { fin?: boolean; rsv?: RsvBits; opcode: number },
  length: number,
  options: EncodeOptions = {},
): Uint8Array {
  const { mask, lengthForm } = options;
  if (!Number.isInteger(length) || length < 0 || length > MAX_ENCODABLE) {
    throw new WebSocketUsageError('ERR_INVALID_ARGUMENT', `payload length ${length} cannot be encoded`);
  }
  if (mask !== undefined && mask.length !== 4) {
    throw new WebSocketUsageError('ERR_INVALID_ARGUMENT', 'a masking key is exactly 4 bytes (RFC 6455 5.2)');
  }
  if ((frame.opcode & ~0xf) !== 0) throw new WebSocketUsageError('ERR_INVALID_ARGUMENT', 'opcode is 4 bits');
  const form = lengthForm ?? (length < 126 ? 7 : length < 0x10000 ? 16 : 64);
  if ((form === 7 && length > 125) || (form === 16 && length > 0xffff)) {
    throw new WebSocketUsageError(
      'ERR_INVALID_ARGUMENT',
      `length ${length} does not fit the ${form}-bit form`,
    );
  }
  const header = new Uint8Array(headerLength(length, mask !== undefined, form));
  const rsv = frame.rsv ?? 0;
  header[0] = ((frame.fin ?? true) ? 0x80 : 0) | ((rsv & 7) << 4) | frame.opcode;
  let p = 2;
  if (form === 7) {
    header[1] = length;
  } else if (form === 16) {
    header[1] = 126;
    header[2] = length >>> 8;
    header[3] = length & 0xff;
    p = 4;
  } else {
    header[1] = 127;
    // RFC 6455 5.2: "the most significant bit MUST be 0"; lengths up to 2^53-1 keep it clear.
    const high = Math.floor(length / 0x100000000);
    const low = length >>> 0;
    header[2] = high >>> 24;
    header[3] = (high >>> 16) & 0xff;
    header[4] = (high >>> 8) & 0xff;
    header[5] = high & 0xff;
    header[6] = low >>> 24;
    header[7] = (low >>> 16) & 0xff;
    header[8] = (low >>> 8) & 0xff;
    header[9] = low & 0xff;
    p = 10;
  }
  if (mask !== undefined) {
    header[1]! |= 0x80;
    header.set(mask, p);
  }
  return header;
}

/** Encodes a whole frame into one array; the caller's payload is never modified. */
export function encodeFrame(frame: FrameInput, options: EncodeOptions = {}): Uint8Array {
  const payload = frame.payload ?? new Uint8Array(0);
  const header = encodeFrameHeader(frame, payload.length, options);
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  if (options.mask !== undefined) applyMask(out.subarray(header.length), options.mask);
  return out;
}
