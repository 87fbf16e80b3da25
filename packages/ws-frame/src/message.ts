/**
 * RFC 6455 5.4 fragmentation and 5.6 data frames: reassembling messages from data frames.
 *
 * Theory of operation: a message opens with a text or binary frame and continues with continuation
 * frames until FIN (control frames may be interleaved; the connection handles them, 5.4). Text is
 * validated incrementally as payload arrives (8.1), so invalid UTF-8 fails before the message ends.
 * Memory is bounded: the message size is checked against the limit at each frame header, before its
 * payload arrives; the fragment count is capped (65,536 by default) so floods of empty fragments end;
 * and a small piece of a large network chunk is copied rather than kept as a view, so at most
 * RETAIN_FACTOR (4) times the message size is retained.
 */
import { type WebSocketError, wsError } from './errors.js';
import { Opcode } from './frame.js';
import { allocUninitialized, concatBytes, type FrameHeader } from './frame-parser.js';
import { decodeUtf8, Utf8Validator } from './utf8.js';

export interface MessageLimits {
  /** Largest message in bytes (also the largest frame). Default 16 MiB. */
  maxPayload: number;
  /** Most frames in one message. Default 65,536. */
  maxFragments: number;
}

/** A message keeps a view of a network chunk (no copy) when the chunk is at most this many times larger. */
export const RETAIN_FACTOR = 4;

/**
 * A single-frame message up to this size that arrives in pieces is copied straight into one array of
 * its final size (one copy instead of copying the pieces and then joining them). Larger ones get that
 * array only once a quarter of the payload is there, so a header alone cannot make us allocate much.
 */
export const PREALLOCATE_LIMIT = 64 * 1024;

export const DEFAULT_LIMITS: MessageLimits = { maxPayload: 16 * 1024 * 1024, maxFragments: 65536 };

export type Message = { binary: false; data: string } | { binary: true; data: Uint8Array };

export class MessageAssembler {
  /** Opcode of the message in progress (Text or Binary), or null between messages. */
  private opcode: number | null = null;
  private pieces: Uint8Array[] = [];
  private size = 0;
  private fragments = 0;
  private utf8: Utf8Validator | null = null;
  /** Payload length of an unfragmented message (its final size), or -1. */
  private expected = -1;
  /** The message's final array, filled as pieces arrive (see PREALLOCATE_LIMIT), or null. */
  private full: Uint8Array | null = null;

  constructor(private readonly limits: MessageLimits = DEFAULT_LIMITS) {}

  get inProgress(): boolean {
    return this.opcode !== null;
  }

  /** A data frame header arrived: check the 5.4 sequencing rules and the limits. */
  begin(header: FrameHeader): WebSocketError | null {
    if (header.opcode === Opcode.Continuation) {
      if (this.opcode === null)
        return wsError('WS_ERR_UNEXPECTED_CONTINUATION', 'continuation frame with no message');
    } else {
      if (this.opcode !== null)
        return wsError('WS_ERR_EXPECTED_CONTINUATION', 'new message before the last one ended');
      this.opcode = header.opcode;
      this.utf8 = header.opcode === Opcode.Text ? new Utf8Validator() : null;
      // A compressed payload (RSV1, RFC 7692) inflates to a size its header does not tell.
      this.expected = header.fin && header.rsv === 0 ? header.payloadLength : -1;
    }
    this.fragments++;
    if (this.fragments > this.limits.maxFragments) {
      return wsError('WS_ERR_TOO_MANY_FRAGMENTS', `more than ${this.limits.maxFragments} fragments`);
    }
    if (this.size + header.payloadLength > this.limits.maxPayload) {
      return wsError('WS_ERR_MESSAGE_TOO_BIG', `message above ${this.limits.maxPayload} bytes`);
    }
    return null;
  }

  /**
   * Where the next `length` payload bytes should be written when they are to be copied into the
   * message's own array anyway (see PREALLOCATE_LIMIT), or null. The caller then passes that view to
   * `data()`, which finds it in place.
   */
  target(length: number): Uint8Array | null {
    if (this.full === null) {
      if (!this.preallocates(length)) return null;
      this.full = allocUninitialized(this.expected);
    }
    return this.full.subarray(this.size, this.size + length);
  }

  private preallocates(length: number): boolean {
    return (
      this.size === 0 &&
      length < this.expected &&
      (this.expected <= PREALLOCATE_LIMIT || length * RETAIN_FACTOR >= this.expected)
    );
  }

  /** Payload of the current data frame, already unmasked. */
  data(chunk: Uint8Array): WebSocketError | null {
    if (chunk.length === 0) return null;
    if (this.utf8 !== null && !this.utf8.push(chunk)) {
      return wsError('WS_ERR_INVALID_UTF8', 'text message is not valid UTF-8');
    }
    // Keep a view when it pins at most RETAIN_FACTOR times its size (a 16 KiB frame in a 64 KiB socket
    // read): copying it costs more than the message itself on a busy server. Smaller pieces are copied.
    const length = chunk.length;
    const full = this.full;
    if (full !== null) {
      // Already in place when it came through `target()`.
      if (chunk.buffer !== full.buffer || chunk.byteOffset !== full.byteOffset + this.size)
        full.set(chunk, this.size);
    } else if (this.preallocates(length)) {
      // The first piece of a message that continues in later reads: copy each piece once, into place.
      this.full = allocUninitialized(this.expected);
      this.full.set(chunk, 0);
    } else {
      this.pieces.push(length * RETAIN_FACTOR >= chunk.buffer.byteLength ? chunk : new Uint8Array(chunk));
    }
    this.size += length;
    return null;
  }

  /** The current data frame ended; returns the message when it was the final fragment. */
  end(header: FrameHeader): Message | WebSocketError | null {
    if (!header.fin) return null;
    const utf8 = this.utf8;
    const bytes = this.full ?? concatBytes(this.pieces, this.size);
    this.reset();
    if (utf8 === null) return { binary: true, data: bytes };
    if (!utf8.complete) return wsError('WS_ERR_INVALID_UTF8', 'text message ends inside a UTF-8 sequence');
    return { binary: false, data: decodeUtf8(bytes) };
  }

  private reset(): void {
    this.opcode = null;
    this.pieces = [];
    this.size = 0;
    this.fragments = 0;
    this.utf8 = null;
    this.expected = -1;
    this.full = null;
  }
}
