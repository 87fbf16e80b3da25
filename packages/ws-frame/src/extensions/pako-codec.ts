/**
 * A pure-JS `DeflateCodec` on pako (a zlib port): for the simulator and browsers, deterministic and
 * synchronous. pako's streams keep their state between pushes, so context takeover is simply the
 * same stream used for the next message; `Z_SYNC_FLUSH` ends each message on a byte boundary.
 *
 * Chosen over fflate after measuring both (bench/deflate.ts): fflate's streaming inflater withholds the
 * output of a small sync-flushed block until more input arrives, so a second "Hello" under context
 * takeover came out empty, and fflate's compressor has no window-size setting (7.1.2 needs one).
 *
 * The size limit while inflating: pako calls `onData` every time its output buffer fills
 * (`OUTPUT_CHUNK`) and offers no way to stop, so the output callback throws once the budget is spent
 * and the stream is abandoned (the connection is failed with 1009 anyway). At most one extra chunk is
 * produced past the limit.
 */
import { Deflate, Inflate } from 'pako';
import {
  type DeflateCodec,
  type Deflater,
  type DeflaterOptions,
  type Inflater,
  type InflateStatus,
  zlibWindowBits,
} from './deflate-codec.js';

const Z_SYNC_FLUSH = 2;
/** Output buffer size: small messages each get one buffer of this size. */
const OUTPUT_CHUNK = 16 * 1024;
/** A window large enough for any peer: a 2^15 inflater reads streams made with any smaller window. */
const INFLATE_WINDOW_BITS = 15;
const WINDOW = 1 << INFLATE_WINDOW_BITS;

class PakoDeflater implements Deflater {
  private stream: Deflate;
  private pieces: Uint8Array[] = [];

  constructor(private readonly options: DeflaterOptions) {
    this.stream = this.create();
  }

  private create(): Deflate {
    const stream = new Deflate({
      raw: true,
      windowBits: zlibWindowBits(this.options.windowBits),
      level: this.options.level ?? 6,
      memLevel: this.options.memLevel ?? 8,
      chunkSize: OUTPUT_CHUNK,
    });
    stream.onData = (piece) => this.pieces.push(piece);
    return stream;
  }

  deflate(data: Uint8Array): Uint8Array[] {
    this.pieces = [];
    if (!this.stream.push(data, Z_SYNC_FLUSH)) throw new Error(`deflate failed: ${this.stream.msg}`);
    return this.pieces;
  }

  reset(): void {
    this.stream = this.create();
  }
}

/** Thrown from pako's output callback to stop it at the limit. */
class OutputLimit extends Error {}

class PakoInflater implements Inflater {
  private stream: Inflate;
  private sink: ((piece: Uint8Array) => void) | null = null;
  private produced = 0;
  private budget = 0;
  /** The last WINDOW bytes of output, as a ring (see `end`): only read after a BFINAL block. */
  private readonly ring = new Uint8Array(WINDOW);
  private ringAt = 0;
  private ringFilled = 0;

  constructor() {
    this.stream = this.create(undefined);
  }

  private create(dictionary: Uint8Array | undefined): Inflate {
    const stream = new Inflate({
      raw: true,
      windowBits: INFLATE_WINDOW_BITS,
      chunkSize: OUTPUT_CHUNK,
      ...(dictionary ? { dictionary } : {}),
    });
    stream.onData = (piece) => {
      this.produced += piece.length;
      this.remember(piece);
      this.sink?.(piece);
      if (this.produced > this.budget) throw new OutputLimit();
    };
    return stream;
  }

  inflate(data: Uint8Array, maxOutput: number, onData: (piece: Uint8Array) => void): InflateStatus {
    // After a BFINAL block (7.2.3.4) the rest of the message, the appended tail, is not DEFLATE data.
    if (data.length === 0 || this.stream.ended) return 'ok';
    this.sink = onData;
    this.produced = 0;
    this.budget = maxOutput;
    try {
      this.stream.push(data, Z_SYNC_FLUSH);
    } catch (error) {
      if (error instanceof OutputLimit) return 'limit';
      throw error;
    } finally {
      this.sink = null;
    }
    // Z_OK, Z_STREAM_END and Z_BUF_ERROR (no progress possible yet) are all fine mid-message.
    const err = this.stream.err;
    return err === 0 || err === 1 || err === -5 ? 'ok' : 'error';
  }

  end(): InflateStatus {
    // 7.2.3.4: a sender may end a message with a BFINAL block, which ends zlib's stream. The next
    // message continues in a fresh stream whose window is the output so far (context takeover).
    if (this.stream.ended) this.stream = this.create(this.window());
    return 'ok';
  }

  reset(): void {
    this.stream = this.create(undefined);
    this.ringAt = 0;
    this.ringFilled = 0;
  }

  /** Copies output into the ring; at most WINDOW bytes per call, whatever the piece's size. */
  private remember(piece: Uint8Array): void {
    const tail = piece.length > WINDOW ? piece.subarray(piece.length - WINDOW) : piece;
    const first = Math.min(tail.length, WINDOW - this.ringAt);
    this.ring.set(tail.subarray(0, first), this.ringAt);
    this.ring.set(tail.subarray(first), 0);
    this.ringAt = (this.ringAt + tail.length) % WINDOW;
    this.ringFilled = Math.min(WINDOW, this.ringFilled + tail.length);
  }

  /** The ring in stream order: the window a new stream starts from. */
  private window(): Uint8Array {
    const out = new Uint8Array(this.ringFilled);
    const start = (this.ringAt - this.ringFilled + WINDOW) % WINDOW;
    const first = Math.min(this.ringFilled, WINDOW - start);
    out.set(this.ring.subarray(start, start + first), 0);
    out.set(this.ring.subarray(0, this.ringFilled - first), first);
    return out;
  }
}

/** permessage-deflate's codec on pako: pure JS, synchronous, for browsers and the simulator. */
export const pakoCodec: DeflateCodec = {
  name: 'pako',
  createDeflater: (options) => new PakoDeflater(options),
  createInflater: () => new PakoInflater(),
};
