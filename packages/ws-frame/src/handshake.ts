/**
 * RFC 6455 section 4, the opening handshake, both roles.
 *
 * Client: `buildClientRequest` writes the 4.1 request; `validateServerResponse` applies the 4.1 checks
 * to the response head. Server: `ServerHandshake` feeds request bytes to the incremental head parser,
 * applies 4.2.1, and yields the 4.2.2 answer: 101, 400 with a reason, or 426 with
 * `Sec-WebSocket-Version: 13` (4.4), plus the bytes after the head.
 */
import { base64Decode, base64Encode } from './base64.js';
import { type WebSocketError, WebSocketUsageError, wsError } from './errors.js';
import {
  checkFields,
  type HttpHeadError,
  type HttpRequestHead,
  HttpRequestParser,
  type HttpResponseHead,
  parseTokenList,
  serializeHead,
} from './http-head.js';
import type { RandomSource } from './random.js';
import { sha1 } from './sha1.js';

/** RFC 6455 1.3: the GUID concatenated with the key before hashing. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** RFC 6455 1.3 / 4.2.2: base64(SHA-1(key + GUID)). */
export function acceptKey(key: string): string {
  const text = key + WEBSOCKET_GUID;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return base64Encode(sha1(bytes));
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface ClientRequestOptions {
  /** Host header value, e.g. `127.0.0.1:17122` (4.1 item 4: include the port when not default). */
  host: string;
  /** Request target, e.g. `/chat?x=1`. Default `/`. */
  path?: string;
  origin?: string;
  /** Offered subprotocols, in preference order (each an RFC 9110 token). */
  protocols?: readonly string[];
  /** Raw Sec-WebSocket-Extensions offer. None is offered by default (no extension is implemented). */
  extensions?: string;
  /** Extra header lines appended after the standard ones. */
  headers?: ReadonlyArray<readonly [string, string]>;
  /** Source of the 16 random key bytes (4.1 item 7). */
  random: RandomSource;
}

export interface ClientRequest {
  bytes: Uint8Array;
  /** The Sec-WebSocket-Key sent; the response's Accept must match acceptKey(key). */
  key: string;
  fields: ReadonlyArray<readonly [string, string]>;
}

/** RFC 6455 4.1: builds the client's opening handshake. Throws on invalid local arguments. */
export function buildClientRequest(options: ClientRequestOptions): ClientRequest {
  const path = options.path ?? '/';
  if (!path.startsWith('/') || /[\s#]/.test(path)) {
    throw new WebSocketUsageError('ERR_SYNTAX', `invalid request target ${JSON.stringify(path)}`);
  }
  const protocols = options.protocols ?? [];
  if (new Set(protocols).size !== protocols.length || protocols.some((p) => !TOKEN.test(p))) {
    throw new WebSocketUsageError('ERR_SYNTAX', 'subprotocols must be distinct tokens');
  }
  const keyBytes = options.random(16);
  if (keyBytes.length !== 16)
    throw new WebSocketUsageError('ERR_INVALID_ARGUMENT', 'random(16) must give 16 bytes');
  const key = base64Encode(keyBytes);
  const fields: Array<[string, string]> = [
    ['Host', options.host],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', key],
    ['Sec-WebSocket-Version', '13'],
  ];
  if (options.origin !== undefined) fields.push(['Origin', options.origin]);
  if (protocols.length > 0) fields.push(['Sec-WebSocket-Protocol', protocols.join(', ')]);
  if (options.extensions !== undefined) fields.push(['Sec-WebSocket-Extensions', options.extensions]);
  for (const [name, value] of options.headers ?? []) fields.push([name, value]);
  return { bytes: serializeHead(`GET ${path} HTTP/1.1`, fields), key, fields };
}

export interface AcceptedResponse {
  protocol: string;
  extensions: string;
}

/**
 * RFC 6455 4.1, the client's checks of the server's response: 101, Upgrade: websocket, Connection:
 * Upgrade, the Accept value, and only offered extensions and subprotocols.
 */
export function validateServerResponse(
  response: HttpResponseHead,
  expected: { key: string; protocols?: readonly string[]; extensions?: string },
): AcceptedResponse | WebSocketError {
  const h = response.headers;
  const fail = (why: string) => wsError('WS_ERR_HANDSHAKE_FAILED', why);
  if (response.status !== 101) return fail(`unexpected response status ${response.status}`);
  if (!h.hasToken('Upgrade', 'websocket')) return fail('missing Upgrade: websocket');
  if (!h.hasToken('Connection', 'Upgrade')) return fail('missing Connection: Upgrade');
  if (h.count('Sec-WebSocket-Accept') !== 1 || h.get('Sec-WebSocket-Accept') !== acceptKey(expected.key)) {
    return fail('Sec-WebSocket-Accept does not match the key');
  }
  const extensions = h.get('Sec-WebSocket-Extensions') ?? '';
  const offered = new Set(parseTokenList(expected.extensions ?? '').map(extensionName));
  for (const ext of parseTokenList(extensions)) {
    if (!offered.has(extensionName(ext))) return fail(`server accepted an extension not offered: ${ext}`);
  }
  const protocol = h.get('Sec-WebSocket-Protocol') ?? '';
  if (
    h.has('Sec-WebSocket-Protocol') &&
    (h.count('Sec-WebSocket-Protocol') !== 1 || !(expected.protocols ?? []).includes(protocol))
  ) {
    return fail(`server selected a subprotocol not offered: ${protocol}`);
  }
  return { protocol, extensions };
}

function extensionName(offer: string): string {
  return (offer.split(';')[0] ?? '').trim().toLowerCase();
}

export interface ServerHandshakeOptions {
  /**
   * Picks one of the client's subprotocols (4.2.2 item 5.4 /subprotocol/), or null for none.
   * Returning a value the client did not offer is treated as null.
   */
  selectProtocol?: (offered: readonly string[], request: HttpRequestHead) => string | null | undefined;
  /** Rejects a valid request for local reasons (Origin policy, path): return a 4xx status and reason. */
  verifyRequest?: (request: HttpRequestHead) => true | { status: number; reason: string };
  /** Extra header lines for the 101 response. */
  headers?: ReadonlyArray<readonly [string, string]>;
  maxHeadBytes?: number;
  /**
   * Answers the client's Sec-WebSocket-Extensions (all its fields joined; null when absent) with the
   * response's value ('' for none), as RFC 6455 9.1 lets the server choose. Without it every offer is
   * declined.
   */
  selectExtensions?: (offered: string | null, request: HttpRequestHead) => string;
}

export type ServerHandshakeResult =
  | { status: 'incomplete' }
  | {
      status: 'accepted';
      request: HttpRequestHead;
      requestBytes: Uint8Array;
      response: Uint8Array;
      protocol: string;
      extensions: string;
      /** Bytes that followed the request head: already WebSocket frames. */
      rest: Uint8Array;
    }
  | {
      status: 'rejected';
      /** Null when the head itself could not be parsed. */
      request: HttpRequestHead | null;
      requestBytes: Uint8Array | null;
      httpStatus: number;
      reason: string;
      /** The full HTTP response to send before closing. */
      response: Uint8Array;
      /** False for a plain HTTP request (no Upgrade: websocket): a server may answer it itself. */
      isUpgradeRequest: boolean;
    };

export type RequestDecision =
  | { ok: true; key: string; protocol: string; extensions: string }
  | { ok: false; httpStatus: number; reason: string };

/** RFC 6455 4.2.1: validates a parsed request; pure. */
export function validateClientRequest(
  request: HttpRequestHead,
  options: ServerHandshakeOptions = {},
): RequestDecision {
  const h = request.headers;
  const reject = (reason: string, httpStatus = 400): RequestDecision => ({ ok: false, httpStatus, reason });
  // 4.2.1 item 1: "An HTTP/1.1 or higher GET request".
  if (request.method !== 'GET') return reject(`method ${request.method} is not GET`);
  if (request.version < 'HTTP/1.1') return reject(`${request.version} is below HTTP/1.1`);
  // 4.2.1 item 2: a Host header field.
  if (h.count('Host') !== 1) return reject('missing or repeated Host header');
  // 4.2.1 items 3 and 4.
  if (!h.hasToken('Upgrade', 'websocket')) return reject('missing Upgrade: websocket');
  if (!h.hasToken('Connection', 'Upgrade')) return reject('missing Connection: Upgrade');
  // 4.2.1 item 5: a nonce "that when decoded, is 16 bytes in length".
  const key = h.get('Sec-WebSocket-Key') ?? '';
  if (h.count('Sec-WebSocket-Key') !== 1 || base64Decode(key)?.length !== 16) {
    return reject('Sec-WebSocket-Key must be 16 bytes in base64');
  }
  // 4.2.1 item 6, and 4.4: an unknown version gets 426 listing the versions we speak.
  if (!h.has('Sec-WebSocket-Version')) return reject('missing Sec-WebSocket-Version');
  if (h.get('Sec-WebSocket-Version') !== '13') return reject('unsupported Sec-WebSocket-Version', 426);
  const verdict = options.verifyRequest?.(request) ?? true;
  if (verdict !== true) return reject(verdict.reason, verdict.status);
  const offered = h.tokens('Sec-WebSocket-Protocol');
  const chosen = offered.length > 0 ? options.selectProtocol?.(offered, request) : null;
  const protocol = chosen && offered.includes(chosen) ? chosen : '';
  const extensions = options.selectExtensions?.(h.get('Sec-WebSocket-Extensions') ?? null, request) ?? '';
  return { ok: true, key, protocol, extensions };
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  426: 'Upgrade Required',
  431: 'Request Header Fields Too Large',
};

/** RFC 6455 4.2.2 item 5: the 101 response. */
export function buildServerResponse(
  key: string,
  protocol: string,
  extra: ReadonlyArray<readonly [string, string]> = [],
  extensions = '',
): Uint8Array {
  const fields: Array<readonly [string, string]> = [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', acceptKey(key)],
  ];
  if (protocol !== '') fields.push(['Sec-WebSocket-Protocol', protocol]);
  if (extensions !== '') fields.push(['Sec-WebSocket-Extensions', extensions]);
  return serializeHead('HTTP/1.1 101 Switching Protocols', [...fields, ...extra]);
}

/** A rejection response whose body is the reason (4.2.1: "an appropriate HTTP error code"). */
export function buildRejection(httpStatus: number, reason: string): Uint8Array {
  const body = new TextEncoder().encode(`${reason}\n`);
  const fields: Array<[string, string]> = [
    ['Connection', 'close'],
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(body.length)],
  ];
  if (httpStatus === 426) fields.push(['Sec-WebSocket-Version', '13']);
  const head = serializeHead(`HTTP/1.1 ${httpStatus} ${REASONS[httpStatus] ?? 'Error'}`, fields);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** The server side of the opening handshake, fed bytes as they arrive. */
export class ServerHandshake {
  private readonly parser: HttpRequestParser;
  private finished = false;

  constructor(private readonly options: ServerHandshakeOptions = {}) {
    // Checked once here: a bad line would otherwise throw from push(), on the peer's bytes.
    checkFields(options.headers ?? []);
    this.parser = new HttpRequestParser(options.maxHeadBytes);
  }

  push(chunk: Uint8Array): ServerHandshakeResult {
    if (this.finished) throw new WebSocketUsageError('ERR_INVALID_STATE', 'handshake already finished');
    const parsed = this.parser.push(chunk);
    if (parsed.status === 'incomplete') return parsed;
    this.finished = true;
    if (parsed.status === 'error') return headError(parsed.error);
    const { head: request, bytes: requestBytes, rest } = parsed;
    const decision = validateClientRequest(request, this.options);
    if (!decision.ok) {
      return {
        status: 'rejected',
        request,
        requestBytes,
        httpStatus: decision.httpStatus,
        reason: decision.reason,
        response: buildRejection(decision.httpStatus, decision.reason),
        isUpgradeRequest: request.headers.hasToken('Upgrade', 'websocket'),
      };
    }
    return {
      status: 'accepted',
      request,
      requestBytes,
      response: buildServerResponse(
        decision.key,
        decision.protocol,
        this.options.headers,
        decision.extensions,
      ),
      protocol: decision.protocol,
      extensions: decision.extensions,
      rest,
    };
  }
}

function headError(error: HttpHeadError): ServerHandshakeResult {
  const httpStatus = error.code === 'HTTP_ERR_HEAD_TOO_LARGE' ? 431 : 400;
  return {
    status: 'rejected',
    request: null,
    requestBytes: null,
    httpStatus,
    reason: error.reason,
    response: buildRejection(httpStatus, error.reason),
    isUpgradeRequest: false,
  };
}
