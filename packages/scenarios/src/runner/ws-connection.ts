/**
 * One WebSocket connection over one simulated TCP socket: the sans-I/O `WebSocketProtocol` from
 * ws-frame fed by the socket's bytes, its output written back, and every handshake, frame, message,
 * state change and close turned into trace events.
 *
 * Offsets: ws-frame counts frame offsets from the first byte after the HTTP head; the trace counts from
 * the first byte of the TCP stream, so the head's length is added in each direction. Raw writes (bytes
 * and hand-made frames for misbehaving peers) are counted too, so later frames keep true offsets.
 */

import { toHex } from '@synack/tcp-sim';
import {
  type ByteStream,
  encodeFrame,
  encodeUtf8,
  OPCODE_NAMES,
  type PerMessageDeflateOptions,
  type ProtocolEvent,
  pakoCodec,
  type RandomSource,
  RSV1,
  WebSocketProtocol,
} from '@synack/ws-frame';
import type { DeflateSpec, WsStateName } from '../language/types.js';
import type { WsTraceEventInput } from '../trace/events.js';

export interface WsConnectionEvents {
  /** A complete message arrived. */
  onMessage?(data: string | Uint8Array): void;
  onOpen?(): void;
  onClosed?(code: number, reason: string, wasClean: boolean): void;
}

export interface WsConnectionOptions {
  readonly endpoint: string;
  readonly conn: string;
  readonly socket: ByteStream;
  readonly role: 'client' | 'server';
  readonly random: RandomSource;
  readonly emit: (event: WsTraceEventInput) => void;
  readonly host?: string;
  readonly path?: string;
  readonly protocols?: readonly string[];
  readonly acceptProtocols?: readonly string[];
  readonly maxMessageSize?: number;
  /** permessage-deflate (RFC 7692) with the pure-JS codec, so runs stay deterministic. */
  readonly deflate?: DeflateSpec;
}

const PREVIEW_CHARS = 200;
const decoder = new TextDecoder();

export class WsConnection {
  readonly protocol: WebSocketProtocol;
  readonly received: (string | Uint8Array)[] = [];
  closeCode: number | undefined;
  private readonly options: WsConnectionOptions;
  /** Bytes written to the socket so far, and the HTTP head's length in each direction. */
  private written = 0;
  private sentHead = 0;
  private receivedHead = 0;
  /** Bytes written around the protocol (raw bytes, hand-made frames): they shift its offsets. */
  private rawBytes = 0;
  private ended = false;
  private handlers: WsConnectionEvents = {};
  /** The message being received came compressed (RSV1 on its first frame, RFC 7692 6). */
  private incomingCompressed = false;
  /** The protocol asked to end the transport; done at the next pump, after the bytes queued before it. */
  private endRequested = false;

  constructor(options: WsConnectionOptions) {
    this.options = options;
    // The scenario language calls the limit maxMessageSize; ws-frame calls it maxPayload (one name there).
    const limits = {
      ...(options.maxMessageSize === undefined ? {} : { maxPayload: options.maxMessageSize }),
      ...(options.deflate === undefined
        ? {}
        : { perMessageDeflate: deflateOptions(options.deflate, options.role) }),
    };
    this.protocol =
      options.role === 'client'
        ? new WebSocketProtocol({
            role: 'client',
            random: options.random,
            handshake: {
              host: options.host ?? 'server',
              path: options.path ?? '/',
              protocols: [...(options.protocols ?? [])],
            },
            ...limits,
          })
        : new WebSocketProtocol({
            role: 'server',
            handshake: {
              selectProtocol: (offered: readonly string[]) =>
                offered.find((p) => options.acceptProtocols?.includes(p)) ?? null,
            },
            ...limits,
          });
    // Each event is handled as it happens, not after the whole read: a message and the peer's Close in
    // one segment reach the application (an echo answers it) before the Close ends our sending (5.5.1),
    // as on a real socket (ws-frame's node adapter does the same).
    this.protocol.setEventListener((event) => {
      if (event.type === 'end-transport') this.endRequested = true;
      else this.record(event);
    });
    const { socket } = options;
    socket.on('data', (chunk) => {
      this.protocol.receive(chunk);
      this.pump();
    });
    socket.on('end', () => {
      this.protocol.receiveEof();
      this.pump();
    });
    socket.on('close', () => {
      this.protocol.abort();
      this.pump();
    });
    socket.on('error', () => {
      // The socket's error is already in the trace (tcp-sim records it); the connection is gone.
    });
    this.pump();
  }

  on(handlers: WsConnectionEvents): void {
    this.handlers = handlers;
  }

  get state(): WsStateName {
    return this.protocol.state;
  }

  send(data: string | Uint8Array, fragments = 1): void {
    if (fragments <= 1) this.protocol.send(data);
    else sendFragmented(this.protocol, data, fragments);
    this.pump();
  }

  ping(data: Uint8Array): void {
    this.protocol.ping(data);
    this.pump();
  }

  close(code?: number, reason?: string): void {
    this.protocol.close(code, reason ?? '');
    this.pump();
  }

  /**
   * Writes frames exactly as given, bypassing the protocol's rules: an unmasked client frame, a text
   * frame with invalid UTF-8. Masked frames get a key from the seeded source.
   */
  sendRawFrame(frame: {
    opcode: number;
    fin: boolean;
    rsv: number;
    masked: boolean;
    payload: Uint8Array;
  }): void {
    const mask = frame.masked ? this.options.random(4) : undefined;
    const bytes = encodeFrame(
      { opcode: frame.opcode, fin: frame.fin, rsv: frame.rsv, payload: frame.payload },
      mask === undefined ? {} : { mask },
    );
    this.options.emit({
      type: 'ws.frame',
      endpoint: this.options.endpoint,
      conn: this.options.conn,
      direction: 'sent',
      opcode: frame.opcode,
      opcodeName: OPCODE_NAMES[frame.opcode] ?? `reserved-${frame.opcode}`,
      fin: frame.fin,
      rsv: frame.rsv,
      masked: frame.masked,
      ...(mask === undefined ? {} : { maskKey: toHex(mask) }),
      payloadLength: frame.payload.length,
      headerLength: bytes.length - frame.payload.length,
      offset: this.written,
    });
    this.writeRaw(bytes);
  }

  writeRaw(bytes: Uint8Array): void {
    this.rawBytes += bytes.length;
    this.written += bytes.length;
    this.options.socket.write(bytes);
  }

  /**
   * Moves the protocol's output to the socket (its events were handled as they happened). A request
   * to end the transport is carried out last, so a FIN never overtakes the close frame it follows.
   */
  private pump(): void {
    for (const chunk of this.protocol.takeOutgoing()) {
      this.written += chunk.length;
      this.options.socket.write(chunk);
    }
    if (this.endRequested && !this.ended) {
      this.ended = true;
      this.options.socket.end();
    }
  }

  private record(event: ProtocolEvent): void {
    const { endpoint, conn, emit } = this.options;
    switch (event.type) {
      case 'handshake-request':
      case 'handshake-response': {
        const line =
          decoder.decode(event.bytes.subarray(0, Math.min(event.bytes.length, 200))).split('\r\n')[0] ?? '';
        // A head we send is queued before anything else we write; the one we receive starts the stream.
        const offset = event.direction === 'sent' ? this.written : 0;
        if (event.direction === 'sent') this.sentHead = event.bytes.length;
        else this.receivedHead = event.bytes.length;
        emit({
          type: 'ws.handshake',
          endpoint,
          conn,
          direction: event.direction,
          kind: event.type === 'handshake-request' ? 'request' : 'response',
          line,
          offset,
          length: event.bytes.length,
        });
        return;
      }
      case 'frame-sent':
      case 'frame-received': {
        const direction = event.type === 'frame-sent' ? 'sent' : 'received';
        if (direction === 'received' && (event.opcode === 1 || event.opcode === 2))
          this.incomingCompressed = (event.rsv & RSV1) !== 0;
        // The protocol counts from the end of the head and knows nothing of raw writes made around it.
        const offset =
          direction === 'sent'
            ? this.sentHead + event.offset + this.rawBytes
            : this.receivedHead + event.offset;
        emit({
          type: 'ws.frame',
          endpoint,
          conn,
          direction,
          opcode: event.opcode,
          opcodeName: OPCODE_NAMES[event.opcode] ?? `reserved-${event.opcode}`,
          fin: event.fin,
          rsv: event.rsv,
          masked: event.masked,
          ...(event.maskKey === null ? {} : { maskKey: toHex(event.maskKey) }),
          payloadLength: event.payloadLength,
          headerLength: event.headerLength,
          offset,
        });
        return;
      }
      case 'message': {
        const data = event.data;
        this.received.push(data);
        const text = typeof data === 'string' ? data : undefined;
        emit({
          type: 'ws.message',
          endpoint,
          conn,
          direction: 'received',
          kind: text === undefined ? 'binary' : 'text',
          length: text === undefined ? (data as Uint8Array).length : encodeUtf8(text).length,
          ...(text === undefined ? {} : { preview: preview(text) }),
          ...(this.incomingCompressed ? { compressed: true } : {}),
        });
        this.handlers.onMessage?.(data);
        return;
      }
      case 'state':
        emit({ type: 'ws.state', endpoint, conn, from: event.from, to: event.to });
        if (event.to === 'OPEN') this.handlers.onOpen?.();
        return;
      case 'error':
        emit({
          type: 'ws.error',
          endpoint,
          conn,
          code: event.error.code,
          closeCode: event.error.closeCode,
          message: event.error.message,
        });
        return;
      case 'closed':
        this.closeCode = event.code;
        emit({
          type: 'ws.close',
          endpoint,
          conn,
          code: event.code,
          reason: event.reason,
          wasClean: event.wasClean,
        });
        this.handlers.onClosed?.(event.code, event.reason, event.wasClean);
        return;
      default:
        return;
    }
  }
}

/** The endpoint's `deflate:` as ws-frame options: a client offers these parameters, a server accepts with them. */
function deflateOptions(spec: DeflateSpec, role: 'client' | 'server'): PerMessageDeflateOptions {
  const { threshold, ...params } = spec;
  const base = { codec: pakoCodec, ...(threshold === undefined ? {} : { threshold }) };
  if (role === 'server') return { ...base, accept: params };
  return { ...base, offers: [{ ...params, clientMaxWindowBits: params.clientMaxWindowBits ?? true }] };
}

/** Splits a message into `fragments` frames of near-equal size (RFC 6455 5.4). */
function sendFragmented(protocol: WebSocketProtocol, data: string | Uint8Array, fragments: number): void {
  const bytes = typeof data === 'string' ? encodeUtf8(data) : data;
  const size = Math.ceil(bytes.length / fragments) || 0;
  for (let i = 0; i < fragments; i++) {
    const payload = bytes.subarray(i * size, Math.min(bytes.length, (i + 1) * size));
    protocol.sendFrame({
      opcode: i === 0 ? (typeof data === 'string' ? 1 : 2) : 0,
      fin: i === fragments - 1,
      payload,
    });
  }
}

function preview(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}
