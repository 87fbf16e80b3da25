/**
 * An incremental HTTP/1.1 message-head parser (RFC 9112 sections 2-5), enough for the opening handshake.
 *
 * Theory of operation: bytes are appended to a buffer until the blank line (CRLF CRLF) ending the head
 * is seen. The work is linear in the bytes fed, however they are chunked, because a peer chooses the
 * chunking (one byte per TCP segment costs it nothing): the buffer grows by doubling, each byte is
 * copied into it once, and only new bytes are scanned, the search resuming 3 bytes before the
 * previous end so a terminator split across chunks is found. The buffer never holds more than
 * `maxHeadBytes`: only a head ending within that many bytes can be accepted, so once more arrived
 * without one the head is refused. The head is then decoded as Latin-1 (field values are octets,
 * RFC 9110 5.5) and split into the start line and field lines. Bytes after the head are returned as
 * `rest`, a copy (they already belong to the WebSocket stream). Malformed input gives a typed error,
 * never an exception.
 */
import { WebSocketUsageError } from './errors.js';

export class HttpHeaders {
  /** Fields in arrival order, names as sent. */
  readonly list: ReadonlyArray<readonly [name: string, value: string]>;
  private readonly byName = new Map<string, string[]>();

  constructor(list: ReadonlyArray<readonly [string, string]>) {
    this.list = list;
    for (const [name, value] of list) {
      const key = name.toLowerCase();
      const values = this.byName.get(key);
      if (values) values.push(value);
      else this.byName.set(key, [value]);
    }
  }

  /** RFC 9110 5.3: several lines of one field combine into one value joined by commas. */
  get(name: string): string | undefined {
    return this.byName.get(name.toLowerCase())?.join(', ');
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  /** How many field lines carried this name (Sec-WebSocket-Key must appear exactly once). */
  count(name: string): number {
    return this.byName.get(name.toLowerCase())?.length ?? 0;
  }

  /** RFC 9110 5.6.1: a comma-separated list, elements trimmed, empty ones dropped. */
  tokens(name: string): string[] {
    return parseTokenList(this.get(name) ?? '');
  }

  /** True when the list field contains `token`, compared case-insensitively. */
  hasToken(name: string, token: string): boolean {
    const t = token.toLowerCase();
    return this.tokens(name).some((x) => x.toLowerCase() === t);
  }
}

export function parseTokenList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export interface HttpRequestHead {
  kind: 'request';
  method: string;
  target: string;
  /** e.g. 'HTTP/1.1' */
  version: string;
  headers: HttpHeaders;
}

export interface HttpResponseHead {
  kind: 'response';
  version: string;
  status: number;
  statusText: string;
  headers: HttpHeaders;
}

export type HttpHeadErrorCode = 'HTTP_ERR_HEAD_TOO_LARGE' | 'HTTP_ERR_MALFORMED';

export interface HttpHeadError {
  code: HttpHeadErrorCode;
  /** Human-readable reason, fit for a 400 response body. */
  reason: string;
}

export type HttpHeadResult<H> =
  | { status: 'incomplete' }
  | { status: 'complete'; head: H; bytes: Uint8Array; rest: Uint8Array }
  | { status: 'error'; error: HttpHeadError };

export const DEFAULT_MAX_HEAD_BYTES = 16 * 1024;

// RFC 9110 5.6.2: token = 1*tchar
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const VERSION = /^HTTP\/\d\.\d$/;
// RFC 9112 3.2: no controls or spaces in a request-target (octets above 0x7F are let through).
const TARGET = /^[\x21-\x7e\x80-\xff]+$/;
// RFC 9110 5.5: field-value characters: VCHAR, obs-text, SP, HTAB (no CR, LF, NUL).
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** First capacity of the head buffer; it doubles from there up to `maxHeadBytes`. */
const INITIAL_BUFFER_BYTES = 256;

abstract class HeadParser<H extends object> {
  /** `buffer[0, length)` holds the head so far; `length <= maxHeadBytes`, capacity at most double it. */
  private buffer = new Uint8Array(0);
  private length = 0;
  private done = false;

  constructor(private readonly maxHeadBytes = DEFAULT_MAX_HEAD_BYTES) {}

  /** Feeds bytes; after `complete` or `error` the parser is spent and further calls repeat nothing. */
  push(chunk: Uint8Array): HttpHeadResult<H> {
    if (this.done)
      return { status: 'error', error: { code: 'HTTP_ERR_MALFORMED', reason: 'head already parsed' } };
    const before = this.length;
    // Bytes past maxHeadBytes cannot belong to an acceptable head, so they are never buffered.
    const taken = Math.min(chunk.length, this.maxHeadBytes - before);
    this.append(chunk.subarray(0, taken));
    // Refuse at once bytes that cannot start a valid head (a TLS ClientHello, a WebSocket frame,
    // random binary) instead of waiting for a blank line that may never come.
    const early = this.startLineError(this.buffer, before, this.length);
    if (early !== null) return this.fail('HTTP_ERR_MALFORMED', early);
    const end = findHeadEnd(this.buffer, Math.max(0, before - 3), this.length);
    if (end < 0) {
      if (before + chunk.length > this.maxHeadBytes)
        return this.fail('HTTP_ERR_HEAD_TOO_LARGE', 'request head too large');
      return { status: 'incomplete' };
    }
    this.done = true;
    const buffered = this.buffer;
    this.buffer = new Uint8Array(0);
    const bytes = buffered.subarray(0, end);
    // What followed the head: its buffered part, then the part of this chunk not buffered.
    const rest = new Uint8Array(this.length - end + chunk.length - taken);
    rest.set(buffered.subarray(end, this.length));
    rest.set(chunk.subarray(taken), this.length - end);
    const text = latin1(bytes.subarray(0, end - 4));
    const lines = text.split('\r\n');
    const startLine = lines.shift() ?? '';
    const fields: Array<[string, string]> = [];
    for (const line of lines) {
      // RFC 9112 5.2: obs-fold is rejected (a server may reject with 400).
      if (line.startsWith(' ') || line.startsWith('\t'))
        return this.fail('HTTP_ERR_MALFORMED', 'obsolete line folding');
      const colon = line.indexOf(':');
      const name = colon < 0 ? '' : line.slice(0, colon);
      // RFC 9112 5.1: no whitespace between field name and colon.
      if (!TOKEN.test(name))
        return this.fail('HTTP_ERR_MALFORMED', `malformed header line ${JSON.stringify(line)}`);
      const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
      if (!FIELD_VALUE.test(value)) return this.fail('HTTP_ERR_MALFORMED', `invalid characters in ${name}`);
      fields.push([name, value]);
    }
    const head = this.parseStartLine(startLine, new HttpHeaders(fields));
    if ('code' in head) {
      this.done = true;
      return { status: 'error', error: head };
    }
    return { status: 'complete', head, bytes, rest };
  }

  /** Appends to the buffer, doubling its capacity as needed (amortised one copy per byte). */
  private append(bytes: Uint8Array): void {
    const needed = this.length + bytes.length;
    if (needed > this.buffer.length) {
      const capacity = Math.min(
        this.maxHeadBytes,
        Math.max(needed, 2 * this.buffer.length, INITIAL_BUFFER_BYTES),
      );
      const grown = new Uint8Array(capacity);
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.length);
    this.length = needed;
  }

  protected abstract parseStartLine(line: string, headers: HttpHeaders): H | HttpHeadError;

  /**
   * Checks the start line's bytes as they arrive (`bytes[from, to)` are new); returns why they cannot
   * be a valid start line, or null. Never refuses what `parseStartLine` would accept.
   */
  protected startLineError(_bytes: Uint8Array, _from: number, _to: number): string | null {
    return null;
  }

  private fail(code: HttpHeadErrorCode, reason: string): HttpHeadResult<H> {
    this.done = true;
    this.buffer = new Uint8Array(0);
    return { status: 'error', error: { code, reason } };
  }
}

/**
 * RFC 9112 3: request-line = method SP request-target SP HTTP-version CRLF, with method a token
 * (RFC 9110 9.1), the target printable (3.2: its forms are made of URI characters; octets above 0x7F
 * are let through, as the full parse does) and HTTP-version = "HTTP/" DIGIT "." DIGIT (2.3).
 */
enum RequestLine {
  Method,
  Target,
  Version,
  Cr,
  Lf,
  Done,
}
const HTTP_SLASH = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/"
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  TCHAR[c.charCodeAt(0)] = 1;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isTargetByte = (b: number) => b > 0x20 && b !== 0x7f;

/** Parses `GET /chat HTTP/1.1` and the fields after it. */
export class HttpRequestParser extends HeadParser<HttpRequestHead> {
  private line = RequestLine.Method;
  /** Bytes read in the current part of the request line. */
  private partLength = 0;

  protected override startLineError(bytes: Uint8Array, from: number, to: number): string | null {
    for (let i = from; i < to && this.line !== RequestLine.Done; i++) {
      const b = bytes[i]!;
      const n = this.partLength++;
      switch (this.line) {
        case RequestLine.Method:
          if (b === 0x20 && n > 0) this.next(RequestLine.Target);
          else if (TCHAR[b] === 0) return 'not an HTTP request: the method is not a token';
          break;
        case RequestLine.Target:
          if (b === 0x20 && n > 0) this.next(RequestLine.Version);
          else if (!isTargetByte(b)) return 'malformed request line: invalid request-target';
          break;
        case RequestLine.Version:
          // "HTTP/" DIGIT "." DIGIT
          if (n < 5 ? b !== HTTP_SLASH[n] : n === 6 ? b !== 0x2e : !isDigit(b))
            return 'malformed request line: invalid HTTP-version';
          if (n === 7) this.next(RequestLine.Cr);
          break;
        case RequestLine.Cr:
          if (b !== 0x0d) return 'malformed request line: no CRLF after the HTTP-version';
          this.next(RequestLine.Lf);
          break;
        case RequestLine.Lf:
          if (b !== 0x0a) return 'malformed request line: no CRLF after the HTTP-version';
          this.next(RequestLine.Done);
          break;
      }
    }
    return null;
  }

  private next(part: RequestLine): void {
    this.line = part;
    this.partLength = 0;
  }

  protected parseStartLine(line: string, headers: HttpHeaders): HttpRequestHead | HttpHeadError {
    const parts = line.split(' ');
    const [method, target, version] = parts;
    if (
      parts.length !== 3 ||
      !method ||
      !TOKEN.test(method) ||
      !target ||
      !TARGET.test(target) ||
      !version ||
      !VERSION.test(version)
    ) {
      return { code: 'HTTP_ERR_MALFORMED', reason: 'malformed request line' };
    }
    return { kind: 'request', method, target, version, headers };
  }
}

/** Parses `HTTP/1.1 101 Switching Protocols` and the fields after it. */
export class HttpResponseParser extends HeadParser<HttpResponseHead> {
  protected parseStartLine(line: string, headers: HttpHeaders): HttpResponseHead | HttpHeadError {
    const match = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(line);
    if (!match) return { code: 'HTTP_ERR_MALFORMED', reason: 'malformed status line' };
    return {
      kind: 'response',
      version: match[1]!,
      status: Number(match[2]),
      statusText: match[3] ?? '',
      headers,
    };
  }
}

/** Index just past the first CRLF CRLF starting in `bytes[from, to)` and ending by `to`, or -1. */
function findHeadEnd(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i + 3 < to; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i + 4;
  }
  return -1;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return s;
}

/**
 * Throws ERR_INVALID_ARGUMENT unless every name is a token and every value a field value (RFC 9110
 * 5.1, 5.5). Local arguments are checked because a CR or LF in one would end the line early and the
 * rest would reach the peer as a header of its own; a character above U+00FF has no octet to become.
 */
export function checkFields(fields: ReadonlyArray<readonly [string, string]>): void {
  for (const [name, value] of fields) {
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value)) {
      throw new WebSocketUsageError('ERR_INVALID_ARGUMENT', `invalid header field ${JSON.stringify(name)}`);
    }
  }
}

/** Serialises a head as Latin-1 octets; throws ERR_INVALID_ARGUMENT for a line that is not valid. */
export function serializeHead(
  startLine: string,
  fields: ReadonlyArray<readonly [string, string]>,
): Uint8Array {
  if (!FIELD_VALUE.test(startLine)) {
    throw new WebSocketUsageError('ERR_INVALID_ARGUMENT', `invalid start line ${JSON.stringify(startLine)}`);
  }
  checkFields(fields);
  let text = `${startLine}\r\n`;
  for (const [name, value] of fields) text += `${name}: ${value}\r\n`;
  text += '\r\n';
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
