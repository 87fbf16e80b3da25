/**
 * `WebSocketProtocol`: one RFC 6455 connection, sans-I/O. Bytes go in through `receive()` and
 * `receiveEof()`; bytes to write come out of `takeOutgoing()`, and what happened comes out of
 * `takeEvents()`. It never reads a socket, a clock or an entropy source (masks and keys come from the
 * injected `random`), and it never throws on peer bytes: every violation becomes an `error` event and the
 * close the RFC prescribes (7.1.7 "Fail the WebSocket Connection").
 *
 * Theory of operation, by state (readyState in brackets):
 * - CONNECTING [0]: the opening handshake (section 4) is included: `opening-handshake.ts` feeds the
 *   peer's head and returns the steps (bytes to write, handshake events, open or fail) carried out here.
 *   A client has queued its request and parses the response head; a server parses the request head and
 *   queues 101 or 400/426/431. With `handshake: 'skip'` the connection starts OPEN (for callers that did
 *   the handshake themselves).
 * - OPEN [1]: frames flow both ways; pings are answered with pongs at once, even between the fragments
 *   of a message (5.5.2, 5.4).
 * - CLOSING [2]: a close frame was sent (by `close()`, in reply to the peer's, or when failing).
 *   Data may still arrive until the peer's close frame.
 * - CLOSED [3]: the transport is gone: `receiveEof()` or `abort()` was called (7.1.4), or the opening
 *   handshake failed. The `closed` event carries code, reason and wasClean.
 * Closing the transport is requested with an `end-transport` event: the server asks for it as soon as
 * both close frames have crossed (7.1.1: "the server SHOULD close the underlying TCP connection first"),
 * the client once the server's FIN arrived; either asks for it right away when failing the connection.
 *
 * Byte offsets in `frame-received` / `frame-sent` count from the first byte after the HTTP head in that
 * direction (0 for the first frame), so a transport can map them to its own sequence numbers.
 * A `frame-received` event is emitted when the frame's header has been read and validated (its payload
 * may still be arriving); `frame-sent` when the frame is queued for output.
 */
import {
  CloseCode,
  encodeClosePayload,
  isValidWireCloseCode,
  MAX_CLOSE_REASON_BYTES,
  parseClosePayload,
} from './close.js';
import { WebSocketError, WebSocketUsageError, wsError } from './errors.js';
import {
  extensionSelector,
  offerHeader,
  type PerMessageDeflateOptions,
  type PerMessageDeflateSession,
  RSV1,
  startSession,
} from './extensions/permessage-deflate.js';
import { encodeFrame, encodeFrameParts, type FrameInput, isControlOpcode, Opcode } from './frame.js';
import { concatBytes, type FrameHeader, FrameParser, type FrameSink } from './frame-parser.js';
import type { ClientRequestOptions, ServerHandshakeOptions } from './handshake.js';
import { DEFAULT_LIMITS, MessageAssembler } from './message.js';
import {
  type AcceptedServerHandshake,
  acceptedServerSteps,
  type HandshakeEvent,
  type OpeningHandshake,
  type OpeningStep,
  startClientOpening,
  startServerOpening,
} from './opening-handshake.js';
import type { RandomSource } from './random.js';
import { encodeUtf8 } from './utf8.js';

export type ConnectionState = 'CONNECTING' | 'OPEN' | 'CLOSING' | 'CLOSED';
export type ReadyState = 0 | 1 | 2 | 3;
const READY_STATE: Record<ConnectionState, ReadyState> = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };

export interface FrameEventFields {
  opcode: number;
  fin: boolean;
  rsv: number;
  masked: boolean;
  maskKey: Uint8Array | null;
  payloadLength: number;
  headerLength: number;
  /** Offset of the frame's first byte in this direction's stream, counted after the HTTP head. */
  offset: number;
}

export type ProtocolEvent =
  | HandshakeEvent
  | { type: 'open'; protocol: string; extensions: string }
  | ({ type: 'frame-received' } & FrameEventFields)
  | ({ type: 'frame-sent' } & FrameEventFields)
  | { type: 'message'; binary: false; data: string }
  | { type: 'message'; binary: true; data: Uint8Array }
  | { type: 'ping'; data: Uint8Array }
  | { type: 'pong'; data: Uint8Array }
  /** The peer's close frame (1005 when it had no status code). */
  | { type: 'close'; code: number; reason: string }
  | { type: 'error'; error: WebSocketError }
  | { type: 'state'; from: ConnectionState; to: ConnectionState }
  /** The transport should be half-closed now (TCP FIN). */
  | { type: 'end-transport' }
  | { type: 'closed'; code: number; reason: string; wasClean: boolean };

interface CommonOptions {
  /** Largest message (and frame) accepted, in bytes. Default 16 MiB. */
  maxPayload?: number;
  /** Most fragments in one message. Default 65,536. */
  maxFragments?: number;
  /**
   * RFC 7692 permessage-deflate: offered by a client, accepted by a server (the first acceptable offer)
   * when given. The compressor is injected (`pakoCodec`, or `nodeZlibCodec` from the node adapter).
   */
  perMessageDeflate?: PerMessageDeflateOptions;
}

export interface SendOptions {
  /** For bytes: false sends them as a text message (they must be UTF-8). Default true. */
  binary?: boolean;
}

export type WebSocketProtocolOptions =
  | (CommonOptions & {
      role: 'client';
      /** Request options (without `random`), or 'skip' to start OPEN. */
      handshake: Omit<ClientRequestOptions, 'random'> | 'skip';
      /** Source of the handshake key and of every frame's masking key (RFC 6455 5.3, 10.3). */
      random: RandomSource;
    })
  | (CommonOptions & {
      role: 'server';
      /** Handshake options (default {}), an already accepted handshake, or 'skip' to start OPEN. */
      handshake?: ServerHandshakeOptions | AcceptedServerHandshake | 'skip';
    });

/** Above this size a payload is queued as its own array instead of being copied behind its header. */
const COPY_THRESHOLD = 4096;
const EMPTY = new Uint8Array(0);

export class WebSocketProtocol implements FrameSink {
  readonly role: 'client' | 'server';
  private stateValue: ConnectionState = 'CONNECTING';
  private outgoing: Uint8Array[] = [];
  private outgoingBytes = 0;
  private events: ProtocolEvent[] = [];
  private readonly random: RandomSource | null;
  private readonly parser: FrameParser;
  private readonly assembler: MessageAssembler;
  /** The opening handshake while it reads the peer's head (client: response; server: request). */
  private opening: OpeningHandshake | null = null;
  /** Bytes of frames queued so far (offset of the next frame sent). */
  private sentOffset = 0;
  private controlPieces: Uint8Array[] = [];
  private closeSent = false;
  private closeReceived: { code: number; reason: string } | null = null;
  private transportEnded = false;
  /** No more frames are read (peer closed, or we failed the connection). */
  private inputDone = false;
  private failed = false;
  private protocolValue = '';
  private eventListener: ((event: ProtocolEvent) => void) | null = null;
  private extensionsValue = '';
  private readonly deflateOptions: PerMessageDeflateOptions | null;
  private readonly maxPayload: number;
  /** permessage-deflate once agreed in the handshake (RFC 7692), else null. */
  private deflate: PerMessageDeflateSession | null = null;
  /** The message being received is compressed: its first frame had RSV1 (RFC 7692 6.2). */
  private inflating = false;

  constructor(options: WebSocketProtocolOptions) {
    this.role = options.role;
    this.random = options.role === 'client' ? options.random : null;
    const maxPayload = options.maxPayload ?? DEFAULT_LIMITS.maxPayload;
    this.maxPayload = maxPayload;
    this.deflateOptions = options.perMessageDeflate ?? null;
    this.assembler = new MessageAssembler({
      maxPayload,
      maxFragments: options.maxFragments ?? DEFAULT_LIMITS.maxFragments,
    });
    this.parser = new FrameParser(this, {
      role: options.role,
      maxPayload,
      // RSV1 is checked frame by frame in onHeader once we know whether permessage-deflate was agreed.
      allowedRsv: this.deflateOptions ? RSV1 : 0,
    });
    if (options.role === 'client') {
      if (options.handshake === 'skip') this.open('', '');
      else {
        const handshake = this.deflateOptions
          ? {
              ...options.handshake,
              extensions: joinOffers(options.handshake.extensions, offerHeader(this.deflateOptions)),
            }
          : options.handshake;
        const { opening, steps } = startClientOpening(handshake, options.random);
        this.opening = opening;
        this.runOpeningSteps(steps);
      }
    } else {
      const hs = options.handshake ?? {};
      if (hs === 'skip') this.open('', '');
      else if ('status' in hs) this.runOpeningSteps(acceptedServerSteps(hs));
      else
        this.opening = startServerOpening(
          this.deflateOptions && !hs.selectExtensions
            ? { ...hs, selectExtensions: extensionSelector(this.deflateOptions) }
            : hs,
        );
    }
  }

  get state(): ConnectionState {
    return this.stateValue;
  }
  get readyState(): ReadyState {
    return READY_STATE[this.stateValue];
  }
  /** The subprotocol agreed in the handshake ('' for none). */
  get protocol(): string {
    return this.protocolValue;
  }
  get extensions(): string {
    return this.extensionsValue;
  }
  /** Bytes queued for output and not yet taken. */
  get bufferedAmount(): number {
    return this.outgoingBytes;
  }

  takeOutgoing(): Uint8Array[] {
    const out = this.outgoing;
    this.outgoing = [];
    this.outgoingBytes = 0;
    return out;
  }

  takeEvents(): ProtocolEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  /**
   * Hands each event to `listener` as it happens instead of queuing it for `takeEvents()` (events
   * already queued go first). A transport uses this so the application can answer a message before
   * later input from the same read is processed: the peer's Close in that read would otherwise end
   * our sending (5.5.1) before the application saw the messages ahead of it. The listener may call
   * `send`, `ping`, `pong` and `close` re-entrantly; their bytes queue behind what is already queued.
   */
  setEventListener(listener: ((event: ProtocolEvent) => void) | null): void {
    this.eventListener = listener;
    if (listener !== null) for (const event of this.takeEvents()) listener(event);
  }

  // ---- input -------------------------------------------------------------------------------------

  /** Bytes from the transport. The array may be modified (payloads are unmasked in place). */
  receive(bytes: Uint8Array): void {
    if (this.stateValue === 'CLOSED' || this.inputDone || bytes.length === 0) return;
    if (this.opening === null) {
      this.parser.push(bytes);
      return;
    }
    const steps = this.opening.receive(bytes);
    // Steps come once the peer's head is complete; from then on its bytes are frames.
    if (steps.length > 0) this.opening = null;
    this.runOpeningSteps(steps);
  }

  /** The peer half-closed the transport (TCP FIN received). */
  receiveEof(): void {
    if (this.stateValue === 'CLOSED') return;
    this.inputDone = true;
    this.endTransport();
    this.finish();
  }

  /** The transport was torn down (reset or error): the connection is CLOSED at once (7.1.5: 1006). */
  abort(): void {
    if (this.stateValue === 'CLOSED') return;
    this.inputDone = true;
    this.finish();
  }

  // ---- output ------------------------------------------------------------------------------------

  /**
   * Sends a text or binary message. Returns false when the connection is closing (data dropped).
   * Bytes go as a binary message unless `{ binary: false }` says they are text already encoded as
   * UTF-8 (the caller vouches for it): a server broadcasting one text to many peers encodes it once,
   * and each server-side peer queues the same bytes without a copy (see queueFrame).
   */
  send(data: string | Uint8Array, options?: SendOptions): boolean {
    this.requireNotConnecting('send');
    if (this.stateValue !== 'OPEN') return false;
    if (this.deflate !== null) return this.sendMessage(this.deflate, data, options);
    if (typeof data === 'string') this.queueFrame({ opcode: Opcode.Text, payload: encodeUtf8(data) });
    else this.queueFrame({ opcode: options?.binary === false ? Opcode.Text : Opcode.Binary, payload: data });
    return true;
  }

  /** RFC 6455 5.5.2: a ping with up to 125 bytes of application data. */
  ping(data: Uint8Array | string = new Uint8Array(0)): boolean {
    return this.sendControl(Opcode.Ping, data);
  }

  /** RFC 6455 5.5.3: an unsolicited pong serves as a unidirectional heartbeat. */
  pong(data: Uint8Array | string = new Uint8Array(0)): boolean {
    return this.sendControl(Opcode.Pong, data);
  }

  /**
   * Sends any frame as given (fragments, odd RSV bits, reserved opcodes): for scenarios that show or
   * provoke protocol behaviour. Masking still follows the role. The caller owns protocol correctness.
   */
  sendFrame(frame: FrameInput): boolean {
    this.requireNotConnecting('sendFrame');
    if (this.stateValue !== 'OPEN' && !(this.stateValue === 'CLOSING' && !this.closeSent)) return false;
    this.queueFrame(frame);
    if (frame.opcode === Opcode.Close) {
      this.closeSent = true;
      if (this.stateValue === 'OPEN') this.setState('CLOSING');
    }
    return true;
  }

  /**
   * Starts the closing handshake (7.1.2). Without a code the close frame has no payload. A reason
   * without a code throws ERR_SYNTAX (5.5.1: a reason can only follow a status code), unlike the
   * browser-shaped `WebSocket.close`, which sends 1000 with it as the WHATWG standard says. In
   * CONNECTING the opening handshake is abandoned: the transport is ended and the state is CLOSED.
   */
  close(code?: number, reason = ''): void {
    if (code !== undefined && !isValidWireCloseCode(code)) {
      throw new WebSocketUsageError(
        'ERR_INVALID_ACCESS',
        `close code ${code} may not be sent (RFC 6455 7.4)`,
      );
    }
    if (code === undefined && reason !== '')
      throw new WebSocketUsageError('ERR_SYNTAX', 'a reason needs a code');
    if (encodeUtf8(reason).length > MAX_CLOSE_REASON_BYTES) {
      throw new WebSocketUsageError('ERR_SYNTAX', 'close reason longer than 123 bytes (RFC 6455 5.5)');
    }
    if (this.stateValue === 'CONNECTING') {
      this.opening = null;
      this.inputDone = true;
      this.failed = true;
      this.endTransport();
      this.finish();
      return;
    }
    if (this.stateValue !== 'OPEN') return;
    this.sendClose(code, reason);
  }

  // ---- FrameSink: called by the parser -----------------------------------------------------------

  onHeader(h: FrameHeader): void {
    this.emit({
      type: 'frame-received',
      opcode: h.opcode,
      fin: h.fin,
      rsv: h.rsv,
      masked: h.masked,
      maskKey: h.maskKey,
      payloadLength: h.payloadLength,
      headerLength: h.headerLength,
      offset: h.offset,
    });
    // RFC 7692 6.1: RSV1 only on the first frame of a data message, and only once agreed.
    if (
      h.rsv !== 0 &&
      (this.deflate === null || isControlOpcode(h.opcode) || h.opcode === Opcode.Continuation)
    ) {
      this.fail(wsError('WS_ERR_UNEXPECTED_RSV', 'RSV1 set on a frame that cannot be compressed'));
      return;
    }
    if (isControlOpcode(h.opcode)) {
      this.controlPieces = [];
      return;
    }
    const error = this.assembler.begin(h);
    if (error) this.fail(error);
    else if (h.opcode !== Opcode.Continuation) {
      this.inflating = h.rsv !== 0;
      if (this.inflating) this.deflate?.beginMessage();
    }
  }

  onPayload(chunk: Uint8Array, h: FrameHeader): void {
    if (isControlOpcode(h.opcode)) {
      // A copy (`new Uint8Array(x)` copies; Buffer#slice would not), so no network buffer is retained.
      this.controlPieces.push(new Uint8Array(chunk));
      return;
    }
    if (this.inflating) {
      const error = this.deflate!.inflate(chunk, this.takeInflated);
      if (error) this.fail(error);
      return;
    }
    const error = this.assembler.data(chunk);
    if (error) this.fail(error);
  }

  payloadTarget(h: FrameHeader, _payloadOffset: number, length: number): Uint8Array | null {
    // A compressed payload is inflated, not kept: the parser unmasks it in place.
    return isControlOpcode(h.opcode) || this.inflating ? null : this.assembler.target(length);
  }

  onFrameEnd(h: FrameHeader): void {
    if (!isControlOpcode(h.opcode)) {
      if (this.inflating && h.fin) {
        this.inflating = false;
        const error = this.deflate!.endMessage(this.takeInflated);
        if (error) this.fail(error);
        if (this.parser.failed) return;
      }
      const result = this.assembler.end(h);
      if (result === null) return;
      if ('code' in result) this.fail(result);
      else
        this.emit(
          result.binary
            ? { type: 'message', binary: true, data: result.data }
            : { type: 'message', binary: false, data: result.data },
        );
      return;
    }
    const payload = concatBytes(this.controlPieces, h.payloadLength);
    this.controlPieces = [];
    if (h.opcode === Opcode.Ping) {
      this.emit({ type: 'ping', data: payload });
      // 5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response, unless it
      // already received a Close frame"; 5.5.3: with identical application data. Our own close frame does
      // not lift the duty: 5.5.1 forbids only data frames after it, and a pong is a control frame.
      if (this.closeReceived === null) this.queueFrame({ opcode: Opcode.Pong, payload });
    } else if (h.opcode === Opcode.Pong) {
      this.emit({ type: 'pong', data: payload });
    } else {
      this.receivedClose(payload);
    }
  }

  onError(error: WebSocketError): void {
    this.fail(error);
  }

  // ---- internals ---------------------------------------------------------------------------------

  /** Inflated message bytes (RFC 7692 7.2.2) go on to reassembly and UTF-8 checks, as they come. */
  private readonly takeInflated = (piece: Uint8Array): void => {
    if (this.parser.failed) return;
    const error = this.assembler.data(piece);
    if (error) this.fail(error);
  };

  /** RFC 7692 7.2.1: a message compressed (RSV1 on its frame) unless below the threshold. */
  private sendMessage(
    deflate: PerMessageDeflateSession,
    data: string | Uint8Array,
    options?: SendOptions,
  ): boolean {
    // Bytes marked `{ binary: false }` are text already encoded as UTF-8, compressed or not.
    const opcode = typeof data === 'string' || options?.binary === false ? Opcode.Text : Opcode.Binary;
    const payload = typeof data === 'string' ? encodeUtf8(data) : data;
    const compressed = deflate.compress(payload);
    this.queueFrame(compressed === null ? { opcode, payload } : { opcode, payload: compressed, rsv: RSV1 });
    return true;
  }

  /** The extensions the handshake agreed on: permessage-deflate's session, or why the client must fail. */
  private startExtensions(extensions: string): WebSocketError | null {
    if (this.deflateOptions === null) return null;
    const session = startSession(this.role, this.deflateOptions, extensions, this.maxPayload);
    if (session instanceof WebSocketError) return session;
    this.deflate = session;
    return null;
  }

  /** Carries out the opening handshake's steps in order (see opening-handshake.ts). */
  private runOpeningSteps(steps: readonly OpeningStep[]): void {
    for (const step of steps) {
      // A listener may close the connection while a step's event is reported: the rest is moot.
      if (this.stateValue === 'CLOSED') return;
      switch (step.type) {
        case 'write':
          this.write(step.bytes);
          break;
        case 'emit':
          this.emit(step.event);
          break;
        case 'open': {
          const error = this.startExtensions(step.extensions);
          if (error) {
            this.handshakeFailed(error);
            return;
          }
          this.open(step.protocol, step.extensions);
          if (step.rest.length > 0) this.parser.push(step.rest);
          break;
        }
        case 'fail':
          this.handshakeFailed(step.error);
          break;
      }
    }
  }

  private open(protocol: string, extensions: string): void {
    this.protocolValue = protocol;
    this.extensionsValue = extensions;
    this.setState('OPEN');
    this.emit({ type: 'open', protocol, extensions });
  }

  private handshakeFailed(error: WebSocketError): void {
    this.emit({ type: 'error', error });
    this.inputDone = true;
    this.failed = true;
    this.endTransport();
    this.finish();
  }

  /** 5.5.1: the peer's close frame. */
  private receivedClose(payload: Uint8Array): void {
    const parsed = parseClosePayload(payload);
    if (parsed instanceof WebSocketError) {
      this.fail(parsed);
      return;
    }
    const { code, reason } = parsed;
    this.closeReceived = { code, reason };
    this.inputDone = true;
    this.parser.fail();
    this.emit({ type: 'close', code, reason });
    // 5.5.1: "the endpoint MUST send a Close frame in response ... typically echoing the status code".
    if (!this.closeSent) this.sendClose(code === CloseCode.NoStatusReceived ? undefined : code, '');
    // 7.1.1: the server closes the TCP connection first; the client waits for it.
    if (this.role === 'server') this.endTransport();
  }

  /** 7.1.7 Fail the WebSocket Connection: error event, close frame with the mapped code, end transport. */
  private fail(error: WebSocketError): void {
    this.parser.fail();
    if (this.inputDone && this.failed) return;
    this.inputDone = true;
    this.failed = true;
    this.emit({ type: 'error', error });
    if (this.stateValue === 'OPEN' || (this.stateValue === 'CLOSING' && !this.closeSent)) {
      this.sendClose(error.closeCode === CloseCode.AbnormalClosure ? undefined : error.closeCode, '');
    }
    this.endTransport();
  }

  private sendClose(code: number | undefined, reason: string): void {
    this.queueFrame({ opcode: Opcode.Close, payload: encodeClosePayload(code, reason) });
    this.closeSent = true;
    if (this.stateValue === 'OPEN') this.setState('CLOSING');
  }

  private sendControl(opcode: number, data: Uint8Array | string): boolean {
    this.requireNotConnecting(opcode === Opcode.Ping ? 'ping' : 'pong');
    const payload = typeof data === 'string' ? encodeUtf8(data) : data;
    if (payload.length > 125)
      throw new WebSocketUsageError('ERR_SYNTAX', 'control payload above 125 bytes (RFC 6455 5.5)');
    if (this.stateValue !== 'OPEN') return false;
    this.queueFrame({ opcode, payload });
    return true;
  }

  private requireNotConnecting(what: string): void {
    if (this.stateValue === 'CONNECTING') {
      throw new WebSocketUsageError('ERR_INVALID_STATE', `${what}() before the connection is open`);
    }
  }

  private queueFrame(frame: FrameInput): void {
    const payload = frame.payload ?? EMPTY;
    // 5.3: a client masks every frame with a fresh, unpredictable key; a server never masks.
    const mask = this.random !== null ? this.random(4) : undefined;
    const options = mask !== undefined ? { mask } : {};
    // Small frames and masked ones leave as one array (masking copies anyway); a large unmasked
    // payload is queued as it is behind its own header, not copied.
    const pieces =
      payload.length <= COPY_THRESHOLD || mask !== undefined
        ? [encodeFrame(frame, options)]
        : encodeFrameParts(frame, options);
    const size = pieces.length === 1 ? pieces[0]!.length : pieces[0]!.length + payload.length;
    this.emit({
      type: 'frame-sent',
      opcode: frame.opcode,
      fin: frame.fin ?? true,
      rsv: frame.rsv ?? 0,
      masked: mask !== undefined,
      maskKey: mask ?? null,
      payloadLength: payload.length,
      headerLength: size - payload.length,
      offset: this.sentOffset,
    });
    this.sentOffset += size;
    for (const piece of pieces) this.write(piece);
  }

  private write(bytes: Uint8Array): void {
    this.outgoing.push(bytes);
    this.outgoingBytes += bytes.length;
  }

  private endTransport(): void {
    if (this.transportEnded) return;
    this.transportEnded = true;
    this.emit({ type: 'end-transport' });
  }

  /** 7.1.4/7.1.5: the transport is closed; report the close code the peer sent, or 1006. */
  private finish(): void {
    const clean = this.closeSent && this.closeReceived !== null && !this.failed;
    const code = this.closeReceived && !this.failed ? this.closeReceived.code : CloseCode.AbnormalClosure;
    const reason = this.closeReceived && !this.failed ? this.closeReceived.reason : '';
    this.setState('CLOSED');
    this.emit({ type: 'closed', code, reason, wasClean: clean });
  }

  private setState(to: ConnectionState): void {
    const from = this.stateValue;
    if (from === to) return;
    this.stateValue = to;
    this.emit({ type: 'state', from, to });
  }

  private emit(event: ProtocolEvent): void {
    if (this.eventListener !== null) this.eventListener(event);
    else this.events.push(event);
  }
}

/** Our permessage-deflate offers after any extensions the caller offers itself. */
function joinOffers(own: string | undefined, offers: string): string {
  return own === undefined || own.trim() === '' ? offers : `${own}, ${offers}`;
}
