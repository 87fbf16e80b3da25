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

import { allocUninitialized } from './bytes.js';
import { WebSocketUsageError } from './errors.js';
import { maskInto } from './mask.js';

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
const EMPTY = new Uint8Array(0);

/** Length of the header for a payload of `length` bytes. */
export function headerLength(length: number, masked: boolean, lengthForm?: 7 | 16 | 64): number {
  const form = lengthForm ?? (length < 126 ? 7 : length < 0x10000 ? 16 : 64);
  return 2 + (form === 7 ? 0 : form === 16 ? 2 : 8) + (masked ? 4 : 0);
}

/**
 * Output arrays. Pieces up to SLAB_PIECE bytes are cut from a shared SLAB-byte array, as Node's Buffer
 * pool does, instead of each being a small array of its own: V8 keeps arrays of up to 64 bytes inside
 * its heap and must move one out (allocate and copy) the first time its `.buffer` is read, which
 * masking (a word view) and every transport (Node's Writable turns each Uint8Array into a Buffer that
 * way) do; and a larger array of its own costs an allocation and a zero-fill each. This was most of
 * the time of a masked frame under 100 bytes. A slab is never reused, only replaced, so a piece still
 * queued somewhere keeps its bytes; a kept piece pins at most SLAB bytes.
 */
const SLAB = 32 * 1024;
const SLAB_PIECE = 2048;
let slab = new Uint8Array(0);
let slabUsed = 0;

/** An array of `length` bytes the caller overwrites entirely (possibly a view of a shared slab). */
export function allocOutput(length: number): Uint8Array {
  if (length > SLAB_PIECE) return allocUninitialized(length);
  if (slabUsed + length > slab.length) {
    slab = new Uint8Array(SLAB);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + length);
  // Keep pieces 8-byte aligned (the masker works on aligned words).
  slabUsed += (length + 7) & ~7;
  return out;
}

/** Checks a frame to encode; returns the length form to use. */
function checkFrame(opcode: number, length: number, mask: Uint8Array | undefined, lengthForm?: 7 | 16 | 64) {
  if (!Number.isInteger(length) || length < 0 || length > MAX_ENCODABLE) {
    throw new WebSocketUsageError('ERR_INVALID_ARGUMENT', `payload length ${length} cannot be encoded`);
  }
  if (mask !== undefined && mask.length !== 4) {
    throw new WebSocketUsageError('ERR_INVALID_ARGUMENT', 'a masking key is exactly 4 bytes (RFC 6455 5.2)');
  }
  if ((opcode & ~0xf) !== 0) throw new WebSocketUsageError('ERR_INVALID_ARGUMENT', 'opcode is 4 bits');
  const form = lengthForm ?? (length < 126 ? 7 : length < 0x10000 ? 16 : 64);
  if ((form === 7 && length > 125) || (form === 16 && length > 0xffff)) {
    throw new WebSocketUsageError(
      'ERR_INVALID_ARGUMENT',
      `length ${length} does not fit the ${form}-bit form`,
    );
  }
  return form;
}

/** Writes a checked header at the start of `out`; returns its length. */
function writeHeader(
  out: Uint8Array,
  frame: { fin?: boolean; rsv?: RsvBits; opcode: number },
  length: number,
  form: 7 | 16 | 64,
  mask: Uint8Array | undefined,
): number {
  const rsv = frame.rsv ?? 0;
  out[0] = ((frame.fin ?? true) ? 0x80 : 0) | ((rsv & 7) << 4) | frame.opcode;
  const maskBit = mask !== undefined ? 0x80 : 0;
  let p = 2;
  if (form === 7) {
    out[1] = maskBit | length;
  } else if (form === 16) {
    out[1] = maskBit | 126;
    out[2] = length >>> 8;
    out[3] = length & 0xff;
    p = 4;
  } else {
    out[1] = maskBit | 127;
    // RFC 6455 5.2: "the most significant bit MUST be 0"; lengths up to 2^53-1 keep it clear.
    const high = Math.floor(length / 0x100000000);
    const low = length >>> 0;
    out[2] = high >>> 24;
    out[3] = (high >>> 16) & 0xff;
    out[4] = (high >>> 8) & 0xff;
    out[5] = high & 0xff;
    out[6] = low >>> 24;
    out[7] = (low >>> 16) & 0xff;
    out[8] = (low >>> 8) & 0xff;
    out[9] = low & 0xff;
    p = 10;
  }
  if (mask !== undefined) {
    out[p] = mask[0]!;
    out[p + 1] = mask[1]!;
    out[p + 2] = mask[2]!;
    out[p + 3] = mask[3]!;
    p += 4;
  }
  return p;
}

/** Encodes only the header of a frame whose payload is `length` bytes long. */
export function encodeFrameHeader(
  frame: { fin?: boolean; rsv?: RsvBits; opcode: number },
  length: number,
  options: EncodeOptions = {},
): Uint8Array {
  const { mask, lengthForm } = options;
  const form = checkFrame(frame.opcode, length, mask, lengthForm);
  const header = allocOutput(headerLength(length, mask !== undefined, form));
  writeHeader(header, frame, length, form, mask);
  return header;
}

/**
 * Encodes a whole frame into one array; the caller's payload is never modified. The array may be a
 * view of a shared slab (like a pooled Node Buffer): use its byteOffset and length, not its buffer.
 */
export function encodeFrame(frame: FrameInput, options: EncodeOptions = {}): Uint8Array {
  const payload = frame.payload ?? EMPTY;
  const { mask, lengthForm } = options;
  const length = payload.length;
  const form = checkFrame(frame.opcode, length, mask, lengthForm);
  const out = allocOutput(headerLength(length, mask !== undefined, form) + length);
  const at = writeHeader(out, frame, length, form, mask);
  if (mask === undefined) out.set(payload, at);
  else maskPayload(payload, out, at, mask);
  return out;
}

/**
 * Encodes a frame as the pieces to write: an unmasked frame is its header and the caller's payload
 * itself (a view, not a copy, as ws does; the payload must not change until written); a masked frame
 * is one array, since masking must copy anyway (5.3: the caller's payload is never modified).
 */
export function encodeFrameParts(frame: FrameInput, options: EncodeOptions = {}): Uint8Array[] {
  const payload = frame.payload ?? EMPTY;
  if (options.mask !== undefined || payload.length === 0) return [encodeFrame(frame, options)];
  return [encodeFrameHeader(frame, payload.length, options), payload];
}

/** out[at..] = payload XOR mask (5.3), in one pass where that is cheaper than copy-then-mask. */
function maskPayload(payload: Uint8Array, out: Uint8Array, at: number, mask: Uint8Array): void {
  const length = payload.length;
  if (length < 64) {
    // Short payloads: a byte loop beats setting up word views.
    const k0 = mask[0]!;
    const k1 = mask[1]!;
    const k2 = mask[2]!;
    const k3 = mask[3]!;
    let i = 0;
    for (; i + 3 < length; i += 4) {
      out[at + i] = payload[i]! ^ k0;
      out[at + i + 1] = payload[i + 1]! ^ k1;
      out[at + i + 2] = payload[i + 2]! ^ k2;
      out[at + i + 3] = payload[i + 3]! ^ k3;
    }
    if (i < length) out[at + i] = payload[i]! ^ k0;
    if (i + 1 < length) out[at + i + 1] = payload[i + 1]! ^ k1;
    if (i + 2 < length) out[at + i + 2] = payload[i + 2]! ^ k2;
    return;
  }
  maskInto(payload, out.subarray(at, at + length), mask);
}
