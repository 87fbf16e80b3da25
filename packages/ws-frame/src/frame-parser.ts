/**
 * A resumable, chunk-independent RFC 6455 5.2 frame decoder.
 *
 * Theory of operation: the parser is a two-state machine, HEADER and PAYLOAD (plus FAILED, final).
 * In HEADER it gathers at most 14 bytes (2 fixed + 8 length + 4 key) in a fixed scratch buffer, reading
 * straight from the chunk when the whole header is present. Once the header is complete it is checked
 * (5.2 RSV and opcode, 5.1 masking by role, 5.5 control-frame rules, 5.2 64-bit length MSB, the payload
 * limit) and handed to the sink; then PAYLOAD passes each piece of payload to the sink as it arrives,
 * unmasked in place (the parser owns the chunks it is given), or straight into the sink's own array when
 * it asks for that (`payloadTarget`). Nothing is ever accumulated here, so memory
 * is bounded by the 14-byte scratch whatever the input; the sink decides what to keep. The sink may call
 * `fail()` from any callback to stop the parser at once (used for UTF-8 fail-fast and message rules).
 * Splitting the same bytes into different chunks yields the same headers, the same payload bytes and the
 * same error (payload pieces may be cut differently; their concatenation is the same).
 */

import { concatBytes } from './bytes.js';
import { type WebSocketError, wsError } from './errors.js';
import { type Frame, isControlOpcode, isKnownOpcode, type RsvBits } from './frame.js';
import { applyMask, maskInto } from './mask.js';

export interface FrameHeader {
  fin: boolean;
  rsv: RsvBits;
  opcode: number;
  masked: boolean;
  /** The 4-byte masking key, or null for an unmasked frame. */
  maskKey: Uint8Array | null;
  payloadLength: number;
  headerLength: number;
  /** Offset of the frame's first byte in the parsed stream (bytes pushed before it). */
  offset: number;
}

export interface FrameSink {
  /** A valid header was read; payload (if any) follows. */
  onHeader(header: FrameHeader): void;
  /** A piece of unmasked payload; `payloadOffset` is its position within the frame's payload. */
  onPayload(chunk: Uint8Array, header: FrameHeader, payloadOffset: number): void;
  /**
   * Optional: where the next `length` bytes of a masked payload should be unmasked to (a view of exactly
   * `length` bytes), or null to have them unmasked in place. Lets a sink that would copy them anyway get
   * them copied and unmasked in one pass; the piece then passed to `onPayload` is that view.
   */
  payloadTarget?(header: FrameHeader, payloadOffset: number, length: number): Uint8Array | null;
  /** The frame's last payload byte arrived (called right after onHeader for empty payloads). */
  onFrameEnd(header: FrameHeader): void;
  /** The stream violates RFC 6455; the parser is FAILED and ignores further input. */
  onError(error: WebSocketError, offset: number): void;
}

export interface FrameParserOptions {
  /**
   * Role of the endpoint that receives: a 'server' requires masked frames, a 'client' rejects them
   * (RFC 6455 5.1). Use 'any' to accept both (for tools that read captures).
   */
  role: 'client' | 'server' | 'any';
  /** RSV bits the negotiated extensions define (RFC 6455 5.2); default 0 = none. */
  allowedRsv?: RsvBits;
  /** Largest payload accepted in one frame; larger ones fail with WS_ERR_MESSAGE_TOO_BIG. */
  maxPayload?: number;
}

export const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

type ParserState = 'HEADER' | 'PAYLOAD' | 'FAILED';

export class FrameParser {
  private state: ParserState = 'HEADER';
  /** Bytes consumed since the parser was created. */
  private consumed = 0;
  /** Header bytes gathered so far (only when a header straddles chunks). */
  private readonly scratch = new Uint8Array(14);
  private scratchLength = 0;
  private current: FrameHeader | null = null;
  /** Payload bytes of the current frame already passed on. */
  private payloadDone = 0;
  private readonly role: FrameParserOptions['role'];
  private readonly allowedRsv: number;
  private readonly maxPayload: number;

  constructor(
    private readonly sink: FrameSink,
    options: FrameParserOptions,
  ) {
    this.role = options.role;
    this.allowedRsv = options.allowedRsv ?? 0;
    this.maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  }

  /** Total bytes consumed so far; the stream offset of the next byte. */
  get offset(): number {
    return this.consumed;
  }

  get failed(): boolean {
    return this.state === 'FAILED';
  }

  /** True between frames (no partial header or payload pending). */
  get atFrameBoundary(): boolean {
    return this.state === 'HEADER' && this.scratchLength === 0;
  }

  /** Stops the parser for good (called by sinks that found a message-level violation). */
  fail(): void {
    this.state = 'FAILED';
  }

  /** Feeds bytes. Masked payload in `chunk` is unmasked in place. Never throws on any input. */
  push(input: Uint8Array): void {
    // A subclass such as Node's Buffer makes every subarray() below go through its species
    // constructor; one plain view per chunk keeps the per-frame work cheap and the output type uniform.
    const chunk =
      input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.length);
    let i = 0;
    const n = chunk.length;
    while (i < n && this.state !== 'FAILED') {
      if (this.state === 'HEADER') {
        i = this.readHeader(chunk, i);
      } else {
        const frame = this.current!;
        const take = Math.min(frame.payloadLength - this.payloadDone, n - i);
        let piece = chunk.subarray(i, i + take);
        if (frame.maskKey !== null) {
          const target = this.sink.payloadTarget?.(frame, this.payloadDone, take) ?? null;
          if (target !== null) piece = maskInto(piece, target, frame.maskKey, this.payloadDone);
          else applyMask(piece, frame.maskKey, this.payloadDone);
        }
        const at = this.payloadDone;
        this.payloadDone += take;
        this.consumed += take;
        i += take;
        this.sink.onPayload(piece, frame, at);
        if (this.payloadDone === frame.payloadLength && this.state === 'PAYLOAD') this.finishFrame(frame);
      }
    }
  }

  /** Reads header bytes from chunk[i..]; returns the new index. */
  private readHeader(chunk: Uint8Array, i: number): number {
    let bytes: Uint8Array;
    let start: number;
    const available = chunk.length - i;
    if (this.scratchLength === 0 && available >= 2 && available >= headerSize(chunk[i + 1]!)) {
      bytes = chunk;
      start = i;
    } else {
      // Gather into scratch: first the 2 fixed bytes, then as many as the second byte says.
      while (i < chunk.length && this.scratchLength < 2) this.scratch[this.scratchLength++] = chunk[i++]!;
      if (this.scratchLength < 2) return i;
      const need = headerSize(this.scratch[1]!);
      while (i < chunk.length && this.scratchLength < need) this.scratch[this.scratchLength++] = chunk[i++]!;
      if (this.scratchLength < need) return i;
      bytes = this.scratch;
      start = 0;
    }
    const offset = this.consumed;
    const size = headerSize(bytes[start + 1]!);
    const header = this.decodeHeader(bytes, start, size, offset);
    if (bytes === chunk) i += size;
    this.scratchLength = 0;
    if (header === null) return i;
    this.consumed += size;
    this.current = header;
    this.payloadDone = 0;
    this.state = 'PAYLOAD';
    this.sink.onHeader(header);
    if (header.payloadLength === 0 && this.state === 'PAYLOAD') this.finishFrame(header);
    return i;
  }

  private finishFrame(frame: FrameHeader): void {
    this.state = 'HEADER';
    this.current = null;
    this.sink.onFrameEnd(frame);
  }

  /** Validates a complete header; on a violation reports it and returns null. */
  private decodeHeader(b: Uint8Array, s: number, size: number, offset: number): FrameHeader | null {
    const b0 = b[s]!;
    const b1 = b[s + 1]!;
    const fin = (b0 & 0x80) !== 0;
    const rsv = (b0 >> 4) & 7;
    const opcode = b0 & 0x0f;
    const masked = (b1 & 0x80) !== 0;
    const len7 = b1 & 0x7f;
    if ((rsv & ~this.allowedRsv) !== 0) {
      return this.error(
        'WS_ERR_UNEXPECTED_RSV',
        `RSV bits ${rsv.toString(2).padStart(3, '0')} set without an extension`,
        offset,
      );
    }
    if (!isKnownOpcode(opcode))
      return this.error('WS_ERR_INVALID_OPCODE', `reserved opcode 0x${opcode.toString(16)}`, offset);
    if (isControlOpcode(opcode)) {
      if (!fin)
        return this.error('WS_ERR_FRAGMENTED_CONTROL_FRAME', 'control frames must not be fragmented', offset);
      if (len7 > 125)
        return this.error('WS_ERR_CONTROL_FRAME_TOO_LONG', 'control frame payload above 125 bytes', offset);
    }
    if (this.role === 'server' && !masked)
      return this.error('WS_ERR_EXPECTED_MASK', 'client frame is not masked', offset);
    if (this.role === 'client' && masked)
      return this.error('WS_ERR_UNEXPECTED_MASK', 'server frame is masked', offset);
    let payloadLength = len7;
    let p = s + 2;
    if (len7 === 126) {
      payloadLength = (b[p]! << 8) | b[p + 1]!;
      p += 2;
    } else if (len7 === 127) {
      const high = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
      const low = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
      p += 8;
      if (high >= 0x80000000) {
        return this.error(
          'WS_ERR_INVALID_PAYLOAD_LENGTH',
          '64-bit payload length has its most significant bit set',
          offset,
        );
      }
      // Above 2^53 a JS number loses precision; such a length is above any payload limit anyway.
      payloadLength = high >= 0x200000 ? Number.POSITIVE_INFINITY : high * 0x100000000 + low;
    }
    if (payloadLength > this.maxPayload) {
      return this.error(
        'WS_ERR_MESSAGE_TOO_BIG',
        `frame payload ${payloadLength} above limit ${this.maxPayload}`,
        offset,
      );
    }
    const maskKey = masked ? b.slice(p, p + 4) : null;
    return { fin, rsv, opcode, masked, maskKey, payloadLength, headerLength: size, offset };
  }

  private error(code: Parameters<typeof wsError>[0], message: string, offset: number): null {
    this.state = 'FAILED';
    this.sink.onError(wsError(code, message), offset);
    return null;
  }
}

/** Header size implied by the second header byte (mask bit and 7-bit length). */
function headerSize(b1: number): number {
  const len7 = b1 & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + ((b1 & 0x80) !== 0 ? 4 : 0);
}

/** A sink that keeps whole frames (payloads made contiguous), for tools, tests and benchmarks. */
export class FrameCollector implements FrameSink {
  readonly frames: Array<Frame & { header: FrameHeader }> = [];
  error: { error: WebSocketError; offset: number } | null = null;
  private pieces: Uint8Array[] = [];

  onHeader(): void {
    this.pieces = [];
  }
  onPayload(chunk: Uint8Array): void {
    this.pieces.push(chunk);
  }
  onFrameEnd(header: FrameHeader): void {
    const payload = concatBytes(this.pieces, header.payloadLength);
    this.pieces = [];
    this.frames.push({ fin: header.fin, rsv: header.rsv, opcode: header.opcode, payload, header });
  }
  onError(error: WebSocketError, offset: number): void {
    this.error = { error, offset };
  }
}

/** Decodes every whole frame in `chunks` (copied first: the caller's bytes are left masked). */
export function decodeFrames(
  chunks: Uint8Array | readonly Uint8Array[],
  options: FrameParserOptions,
): { frames: Frame[]; error: WebSocketError | null; errorOffset: number | null } {
  const sink = new FrameCollector();
  const parser = new FrameParser(sink, options);
  for (const chunk of chunks instanceof Uint8Array ? [chunks] : chunks) parser.push(new Uint8Array(chunk));
  return {
    frames: sink.frames.map(({ fin, rsv, opcode, payload }) => ({ fin, rsv, opcode, payload })),
    error: sink.error?.error ?? null,
    errorOffset: sink.error?.offset ?? null,
  };
}

// Byte-array helpers live in bytes.ts; re-exported here, where callers found them first.
export { allocUninitialized, concatBytes } from './bytes.js';
