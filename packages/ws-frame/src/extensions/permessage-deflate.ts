/**
 * RFC 7692 permessage-deflate for one connection: what happens to messages once it was negotiated.
 *
 * Theory of operation:
 * - Sending (7.2.1): a message at or above `threshold` bytes is compressed with a sync flush, the
 *   trailing 0x00 0x00 0xff 0xff is removed, and the message goes out with RSV1 ("Per-Message
 *   Compressed", section 6) on its first frame. Smaller messages go out as they are, RSV1 clear (a
 *   sender may choose per message, section 6). Our compressor forgets its window after each message
 *   when our side's *_no_context_takeover was agreed (7.1.1), and uses the agreed window size (7.1.2).
 * - Receiving (7.2.2): a message whose first frame has RSV1 is inflated as its payload arrives; after
 *   the last frame the 0x00 0x00 0xff 0xff tail is appended and inflated. The output goes on to message
 *   reassembly (so UTF-8 is still checked as it arrives). The inflated size is checked against the
 *   message limit while inflating: a zip bomb stops at the limit (1009), memory stays bounded.
 * - Section 6.1: control frames are never compressed and RSV1 on a control frame or a continuation
 *   frame is a protocol error (1002); that check lives in the connection, which sees the frames.
 */
import { type WebSocketError, wsError } from '../errors.js';
import type { DeflateCodec, Deflater, Inflater, InflateStatus } from './deflate-codec.js';
import {
  acceptResponse,
  agreementFromHeader,
  buildOffers,
  type DeflateAgreement,
  type DeflateOfferOptions,
  selectOffer,
} from './permessage-deflate-negotiation.js';

/** RFC 6455 5.2: RSV1, the bit RFC 7692 section 6 names "Per-Message Compressed". */
export const RSV1 = 0b100;

/** 7.2.1: a sync flush ends with an empty stored block, whose last four octets are removed. */
export const DEFLATE_TAIL: Uint8Array = Uint8Array.of(0x00, 0x00, 0xff, 0xff);

/** 7.2.3.6: the payload of a compressed empty message (an empty stored block without its tail). */
const EMPTY_BLOCK: Uint8Array = Uint8Array.of(0x00);

/** Below this many bytes a message is sent uncompressed by default (as `ws` does). */
export const DEFAULT_THRESHOLD = 1024;

export interface PerMessageDeflateSessionOptions {
  role: 'client' | 'server';
  agreement: DeflateAgreement;
  codec: DeflateCodec;
  /** Messages shorter than this are sent uncompressed. Default 1024. */
  threshold?: number;
  /** Compression level 0-9 (default 6). */
  level?: number;
  memLevel?: number;
  /** Largest inflated message, in bytes. */
  maxPayload: number;
}

export class PerMessageDeflateSession {
  readonly agreement: DeflateAgreement;
  private readonly threshold: number;
  private readonly maxPayload: number;
  private readonly deflater: Deflater;
  private readonly inflater: Inflater;
  /** Our compressor forgets its window after each message (our side's *_no_context_takeover). */
  private readonly resetDeflater: boolean;
  /** The peer's compressor does, so our inflater may too. */
  private readonly resetInflater: boolean;
  /** Inflated bytes of the message being received. */
  private inflated = 0;

  constructor(options: PerMessageDeflateSessionOptions) {
    const { agreement, role, codec } = options;
    this.agreement = agreement;
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.maxPayload = options.maxPayload;
    const server = role === 'server';
    this.resetDeflater = server ? agreement.serverNoContextTakeover : agreement.clientNoContextTakeover;
    this.resetInflater = server ? agreement.clientNoContextTakeover : agreement.serverNoContextTakeover;
    this.deflater = codec.createDeflater({
      windowBits: server ? agreement.serverMaxWindowBits : agreement.clientMaxWindowBits,
      ...(options.level !== undefined ? { level: options.level } : {}),
      ...(options.memLevel !== undefined ? { memLevel: options.memLevel } : {}),
    });
    this.inflater = codec.createInflater();
  }

  /** 7.2.1: the payload to send with RSV1 set, or null to send `data` uncompressed (below threshold). */
  compress(data: Uint8Array): Uint8Array | null {
    if (data.length < this.threshold) return null;
    const pieces = this.deflater.deflate(data);
    if (this.resetDeflater) this.deflater.reset();
    let length = 0;
    for (const piece of pieces) length += piece.length;
    const out = pieces.length === 1 ? pieces[0]! : joinPieces(pieces, length);
    if (endsWithTail(out)) return length === 4 ? EMPTY_BLOCK : out.subarray(0, length - 4);
    // 7.2.1: "If the resulting data does not end with an empty DEFLATE block with no compression ...
    // append an empty DEFLATE block with no compression to the tail end", then remove the 4 octets:
    // that leaves its first octet, 0x00 (only a compressor that wrote nothing for an empty message).
    const padded = new Uint8Array(length + 1);
    padded.set(out);
    return padded;
  }

  /** 7.2.2: the first frame of a compressed message arrived. */
  beginMessage(): void {
    this.inflated = 0;
  }

  /** 7.2.2: compressed payload as it arrives; inflated pieces go to `onData`. */
  inflate(data: Uint8Array, onData: (piece: Uint8Array) => void): WebSocketError | null {
    return this.check(this.inflater.inflate(data, this.budget(), this.counting(onData)));
  }

  /** 7.2.2: the last frame ended: append the tail and inflate what is left. */
  endMessage(onData: (piece: Uint8Array) => void): WebSocketError | null {
    const sink = this.counting(onData);
    const error =
      this.check(this.inflater.inflate(DEFLATE_TAIL, this.budget(), sink)) ??
      this.check(this.inflater.end(this.budget(), sink));
    if (error === null && this.resetInflater) this.inflater.reset();
    return error;
  }

  private budget(): number {
    return this.maxPayload - this.inflated;
  }

  private counting(onData: (piece: Uint8Array) => void): (piece: Uint8Array) => void {
    return (piece) => {
      this.inflated += piece.length;
      if (this.inflated <= this.maxPayload) onData(piece);
    };
  }

  private check(status: InflateStatus): WebSocketError | null {
    if (status === 'limit' || this.inflated > this.maxPayload)
      return wsError('WS_ERR_MESSAGE_TOO_BIG', `inflated message above ${this.maxPayload} bytes`);
    if (status === 'error')
      return wsError('WS_ERR_INVALID_COMPRESSED_DATA', 'compressed data is not valid DEFLATE');
    return null;
  }
}

function endsWithTail(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n >= 4 && bytes[n - 4] === 0 && bytes[n - 3] === 0 && bytes[n - 2] === 0xff && bytes[n - 1] === 0xff;
}

function joinPieces(pieces: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** permessage-deflate as configured on a connection (`WebSocketProtocol`'s `perMessageDeflate`). */
export interface PerMessageDeflateOptions {
  /** The compressor: `pakoCodec` (pure JS) or `nodeZlibCodec` from `@synack/ws-frame/node`. */
  codec: DeflateCodec;
  /** Client: the configurations offered, in preference order. Default: one offer with client_max_window_bits. */
  offers?: readonly DeflateOfferOptions[];
  /** Server: the limits answered with (no context takeover, window sizes). Default: none. */
  accept?: DeflateOfferOptions;
  /** Messages shorter than this are sent uncompressed. Default 1024. */
  threshold?: number;
  /** Compression level 0-9 (default 6). */
  level?: number;
  memLevel?: number;
}

/** What a browser offers (Chromium: `permessage-deflate; client_max_window_bits`). */
export const DEFAULT_OFFERS: readonly DeflateOfferOptions[] = [{ clientMaxWindowBits: true }];

/** Client: the Sec-WebSocket-Extensions value to send. Throws RangeError for window sizes outside 8-15. */
export function offerHeader(options: PerMessageDeflateOptions): string {
  return buildOffers(options.offers ?? DEFAULT_OFFERS);
}

/** Server: the `selectExtensions` hook of the handshake (section 5: the first acceptable offer wins). */
export function extensionSelector(options: PerMessageDeflateOptions): (offered: string | null) => string {
  const accept = options.accept ?? {};
  for (const bits of [accept.serverMaxWindowBits, accept.clientMaxWindowBits]) {
    if (typeof bits === 'number' && !(Number.isInteger(bits) && bits >= 8 && bits <= 15))
      throw new RangeError('max window bits must be 8-15');
  }
  return (offered) => {
    const selection = selectOffer(offered, accept);
    return selection.accepted ? selection.response : '';
  };
}

/**
 * Once the handshake is over: the session the response's Sec-WebSocket-Extensions value agreed on,
 * null when permessage-deflate was not agreed, or (client) the error to fail the connection with.
 */
export function startSession(
  role: 'client' | 'server',
  options: PerMessageDeflateOptions,
  extensions: string,
  maxPayload: number,
): PerMessageDeflateSession | null | WebSocketError {
  const header = extensions === '' ? null : extensions;
  const agreement =
    role === 'client'
      ? acceptResponse(header, options.offers ?? DEFAULT_OFFERS)
      : header === null
        ? null
        : agreementFromHeader(header);
  if (agreement === null || agreement instanceof Error) return agreement;
  return new PerMessageDeflateSession({
    role,
    agreement,
    codec: options.codec,
    maxPayload,
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    ...(options.level !== undefined ? { level: options.level } : {}),
    ...(options.memLevel !== undefined ? { memLevel: options.memLevel } : {}),
  });
}
