/**
 * A `DeflateCodec` on node:zlib, for the node adapter. The core is synchronous, so this uses zlib's
 * synchronous one-shot calls (`deflateRawSync` / `inflateRawSync` with Z_SYNC_FLUSH); the persistent
 * streams `ws` uses are asynchronous. A one-shot call starts from an empty window, so context takeover
 * is carried by hand: the last 2^windowBits bytes of the previous messages are handed to zlib as a
 * preset dictionary (RFC 1951's window is exactly "the previous bytes of the stream": a back reference
 * into the dictionary is a back reference into the earlier messages, which the peer's window holds).
 *
 * The size limit while inflating: `maxOutputLength` makes zlib stop (ERR_BUFFER_TOO_LARGE) as soon as
 * its output passes the budget, one output chunk at a time, so a zip bomb never materialises. A
 * message's compressed pieces are buffered until its end (one-shot calls cannot resume mid-block),
 * and that buffer is bounded too: compressed data larger than the inflated budget allows is refused.
 */
import zlib from 'node:zlib';
import {
  type DeflateCodec,
  type Deflater,
  type DeflaterOptions,
  type Inflater,
  type InflateStatus,
  zlibWindowBits,
} from '../extensions/deflate-codec.js';

const { Z_SYNC_FLUSH } = zlib.constants;
const INFLATE_WINDOW_BITS = 15;

/** The last `size` bytes of a byte stream, kept as a ring. */
class Window {
  private readonly ring: Uint8Array;
  private at = 0;
  private filled = 0;

  constructor(private readonly size: number) {
    this.ring = new Uint8Array(size);
  }

  push(bytes: Uint8Array): void {
    const size = this.size;
    const tail = bytes.length > size ? bytes.subarray(bytes.length - size) : bytes;
    const first = Math.min(tail.length, size - this.at);
    this.ring.set(tail.subarray(0, first), this.at);
    this.ring.set(tail.subarray(first), 0);
    this.at = (this.at + tail.length) % size;
    this.filled = Math.min(size, this.filled + tail.length);
  }

  /** The window in stream order, or undefined while empty (zlib wants no dictionary then). */
  contents(): Uint8Array | undefined {
    if (this.filled === 0) return undefined;
    const size = this.size;
    const out = new Uint8Array(this.filled);
    const start = (this.at - this.filled + size) % size;
    const first = Math.min(this.filled, size - start);
    out.set(this.ring.subarray(start, start + first), 0);
    out.set(this.ring.subarray(0, this.filled - first), first);
    return out;
  }

  clear(): void {
    this.at = 0;
    this.filled = 0;
  }
}

class ZlibDeflater implements Deflater {
  private readonly window: Window;
  private readonly options: zlib.ZlibOptions;

  constructor(options: DeflaterOptions) {
    const windowBits = zlibWindowBits(options.windowBits);
    this.window = new Window(1 << windowBits);
    this.options = {
      windowBits,
      level: options.level ?? 6,
      memLevel: options.memLevel ?? 8,
      finishFlush: Z_SYNC_FLUSH,
    };
  }

  deflate(data: Uint8Array): Uint8Array[] {
    const dictionary = this.window.contents();
    const out = zlib.deflateRawSync(data, dictionary ? { ...this.options, dictionary } : this.options);
    this.window.push(data);
    return [out];
  }

  reset(): void {
    this.window.clear();
  }
}

class ZlibInflater implements Inflater {
  private readonly window = new Window(1 << INFLATE_WINDOW_BITS);
  private pieces: Uint8Array[] = [];
  private buffered = 0;

  inflate(data: Uint8Array, maxOutput: number): InflateStatus {
    // Incompressible data grows by 5 bytes per 64 KiB stored block plus the tail: anything larger than
    // this cannot inflate to at most maxOutput bytes.
    if (this.buffered + data.length > maxOutput + (maxOutput >> 10) + 64) return 'limit';
    // A copy: the caller may reuse its array (payloads arrive unmasked in place in network chunks).
    this.pieces.push(new Uint8Array(data));
    this.buffered += data.length;
    return 'ok';
  }

  end(maxOutput: number, onData: (piece: Uint8Array) => void): InflateStatus {
    const input = Buffer.concat(this.pieces, this.buffered);
    this.pieces = [];
    this.buffered = 0;
    const dictionary = this.window.contents();
    let out: Buffer;
    try {
      out = zlib.inflateRawSync(input, {
        windowBits: INFLATE_WINDOW_BITS,
        finishFlush: Z_SYNC_FLUSH,
        maxOutputLength: maxOutput + 1,
        ...(dictionary ? { dictionary } : {}),
      });
    } catch (error) {
      return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'limit' : 'error';
    }
    if (out.length > maxOutput) return 'limit';
    this.window.push(out);
    if (out.length > 0) onData(out);
    return 'ok';
  }

  reset(): void {
    this.window.clear();
    this.pieces = [];
    this.buffered = 0;
  }
}

/** permessage-deflate's codec on node:zlib (synchronous calls; context takeover by preset dictionary). */
export const nodeZlibCodec: DeflateCodec = {
  name: 'node:zlib',
  createDeflater: (options) => new ZlibDeflater(options),
  createInflater: () => new ZlibInflater(),
};
