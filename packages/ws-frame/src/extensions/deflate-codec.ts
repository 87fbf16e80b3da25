/**
 * The compressor permessage-deflate is given (RFC 7692 section 7.2 uses raw DEFLATE, RFC 1951). The
 * sans-I/O core never imports a compression library: it takes a `DeflateCodec`, so the node adapter can
 * use node:zlib and the simulator and browsers a pure-JS one (`pakoCodec`), each fully synchronous.
 *
 * Contract, which every codec's tests check:
 * - `Deflater.deflate(data)` compresses one message and ends with a sync flush (an empty stored block,
 *   so the output ends with 0x00 0x00 0xff 0xff); its LZ77 window carries over to the next call
 *   (context takeover) until `reset()`.
 * - `Inflater.inflate(data, maxOutput, onData)` inflates raw DEFLATE data as it arrives (one message may
 *   come in many calls), hands output over in pieces it no longer touches, and stops producing output
 *   once more than `maxOutput` bytes came out of this call ('limit'), so a small input cannot make it
 *   allocate much more than `maxOutput`. 'error' means corrupt data. `end()` is called after the last
 *   piece of each message (a codec that buffers inflates then); `reset()` forgets the window.
 */

export interface DeflaterOptions {
  /** Base-2 logarithm of the LZ77 window, 8-15 (RFC 7692 7.1.2). */
  windowBits: number;
  /** zlib compression level, 0-9 (default 6 in both codecs shipped here). */
  level?: number;
  /** zlib memLevel, 1-9: memory for the compressor's state (default 8). */
  memLevel?: number;
}

export interface Deflater {
  /** Compressed `data` followed by a sync flush, as pieces in order. */
  deflate(data: Uint8Array): Uint8Array[];
  /** Start the next message with an empty window (no context takeover). */
  reset(): void;
}

export type InflateStatus = 'ok' | 'limit' | 'error';

export interface Inflater {
  inflate(data: Uint8Array, maxOutput: number, onData: (piece: Uint8Array) => void): InflateStatus;
  /** The message's compressed data is complete (the 0x00 0x00 0xff 0xff tail was already passed in). */
  end(maxOutput: number, onData: (piece: Uint8Array) => void): InflateStatus;
  /** Start the next message with an empty window (no context takeover). */
  reset(): void;
}

export interface DeflateCodec {
  readonly name: string;
  createDeflater(options: DeflaterOptions): Deflater;
  createInflater(): Inflater;
}

/**
 * zlib cannot make a raw stream with a 2^8 window (deflateInit2 refuses windowBits 8 without a zlib
 * header). A 2^9 window is safe in its place: zlib never emits a distance above w_size - 262 (MAX_DIST),
 * 250 for w_size 512, so a peer with a 256-byte window can follow every back reference.
 */
export function zlibWindowBits(windowBits: number): number {
  return windowBits === 8 ? 9 : windowBits;
}
