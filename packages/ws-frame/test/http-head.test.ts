import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpRequestParser, HttpResponseParser } from '../src/index.js';
import { concat, utf8 } from './helpers/fixtures.js';

type HeadResult = ReturnType<HttpRequestParser['push']> | ReturnType<HttpResponseParser['push']>;

/** Feeds `data` cut at `cuts` and stops at the first result that is not `incomplete`. */
function pushChunked(
  parser: HttpRequestParser | HttpResponseParser,
  data: Uint8Array,
  cuts: readonly number[],
): { result: HeadResult; unpushed: Uint8Array } {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < data.length))].sort((a, b) => a - b);
  let result: HeadResult = { status: 'incomplete' };
  let last = 0;
  for (const p of [...points, data.length]) {
    result = parser.push(data.subarray(last, p));
    last = p;
    if (result.status !== 'incomplete') break;
  }
  return { result, unpushed: data.subarray(last) };
}

/** A comparable summary: the head as plain data, the head bytes, and everything after the head. */
function summary({ result, unpushed }: { result: HeadResult; unpushed: Uint8Array }) {
  if (result.status === 'incomplete') return { status: 'incomplete' };
  if (result.status === 'error') return { status: 'error', code: result.error.code };
  const { headers, ...startLine } = result.head;
  return {
    status: 'complete',
    startLine,
    fields: headers.list,
    bytes: [...result.bytes],
    after: [...concat(result.rest, unpushed)],
  };
}

/**
 * Counts bytes copied by typed-array `set` and `slice` (how the parser copies) while `fn` runs.
 * Work, not time: the count is the same on any machine.
 */
function countCopiedBytes(fn: () => void): number {
  const proto = Object.getPrototypeOf(Uint8Array.prototype) as {
    set(this: Uint8Array, src: ArrayLike<number>, offset?: number): void;
    slice(this: Uint8Array, start?: number, end?: number): Uint8Array;
  };
  const { set, slice } = proto;
  let copied = 0;
  proto.set = function (src, offset) {
    copied += src.length;
    return set.call(this, src, offset);
  };
  proto.slice = function (start, end) {
    const out = slice.call(this, start, end);
    copied += out.length;
    return out;
  };
  try {
    fn();
  } finally {
    proto.set = set;
    proto.slice = slice;
  }
  return copied;
}

const RESPONSE =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nX-A: 1\r\nx-a: 2\r\nConnection:  Upgrade \r\n\r\n';

describe('RFC 9112 2-5: the incremental message-head parser', () => {
  it('RFC 9112 4: parses a status line, keeps field order, combines repeated fields (RFC 9110 5.3)', () => {
    const parsed = new HttpResponseParser().push(concat(utf8(RESPONSE), Uint8Array.of(0x81, 0x00)));
    if (parsed.status !== 'complete') throw new Error(parsed.status);
    expect(parsed.head).toMatchObject({
      status: 101,
      statusText: 'Switching Protocols',
      version: 'HTTP/1.1',
    });
    expect(parsed.head.headers.get('x-A')).toBe('1, 2');
    expect(parsed.head.headers.get('connection')).toBe('Upgrade');
    expect([...parsed.rest]).toEqual([0x81, 0x00]);
  });

  it('RFC 9112 2.2: any split of the head gives the same result and the same rest', () => {
    const whole = utf8(`${RESPONSE}tail`);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: whole.length - 1 }), { maxLength: 6 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const parser = new HttpResponseParser();
        let last = 0;
        let result = parser.push(new Uint8Array(0));
        for (const p of [...points, whole.length]) {
          if (result.status !== 'incomplete') break;
          result = parser.push(whole.subarray(last, p));
          last = p;
        }
        if (result.status !== 'complete') throw new Error(result.status);
        // What followed the head in the completing chunk, plus what was never pushed, is the tail.
        expect(new TextDecoder().decode(concat(result.rest, whole.subarray(last)))).toBe('tail');
        expect(result.head.headers.get('upgrade')).toBe('websocket');
      }),
    );
  });

  const malformed: Array<[string, string]> = [
    ['RFC 9112 5.2: obsolete line folding is rejected', 'GET / HTTP/1.1\r\nHost: a\r\n continued\r\n\r\n'],
    ['RFC 9112 5.1: whitespace before the colon is rejected', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n'],
    ['RFC 9112 3: a request line with two spaces is rejected', 'GET  / HTTP/1.1\r\n\r\n'],
    ['RFC 9112 2.3: an unknown version form is rejected', 'GET / HTTP/11\r\n\r\n'],
    ['RFC 9110 5.5: a NUL in a field value is rejected', 'GET / HTTP/1.1\r\nHost: a\x00b\r\n\r\n'],
  ];
  it.each(malformed)('%s', (_name, text) => {
    expect(new HttpRequestParser().push(utf8(text))).toMatchObject({
      status: 'error',
      error: { code: 'HTTP_ERR_MALFORMED' },
    });
  });

  it('RFC 9112 2: a head that never ends is cut off at the size limit with HTTP_ERR_HEAD_TOO_LARGE', () => {
    const parser = new HttpRequestParser(100);
    let result = parser.push(utf8('GET / HTTP/1.1\r\n'));
    for (let i = 0; i < 20 && result.status === 'incomplete'; i++)
      result = parser.push(utf8('X: yyyyyyyy\r\n'));
    expect(result).toMatchObject({ status: 'error', error: { code: 'HTTP_ERR_HEAD_TOO_LARGE' } });
  });

  // Heads built from a small alphabet so CR LF CR LF, near misses (CR LF CR x) and the size limit all
  // fall at every position relative to the chunk boundaries.
  const headText = fc
    .array(fc.constantFrom('a', ':', ' ', '\r', '\n', '\r\n', 'X: y\r\n', '\r\n\r\n'), { maxLength: 40 })
    .map((parts) => parts.join(''));

  it('RFC 9112 2.2: any chunking (down to single bytes) gives the same head, error or rest as one push', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('request', 'response'),
        headText,
        fc.array(fc.nat({ max: 120 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 140 }),
        (kind, body, cuts, maxHeadBytes) => {
          const start = kind === 'request' ? 'GET / HTTP/1.1\r\n' : 'HTTP/1.1 101 OK\r\n';
          const data = utf8(`${start}${body}`);
          const make = () =>
            kind === 'request' ? new HttpRequestParser(maxHeadBytes) : new HttpResponseParser(maxHeadBytes);
          const whole = summary({ result: make().push(data), unpushed: new Uint8Array(0) });
          expect(summary(pushChunked(make(), data, cuts))).toEqual(whole);
          const bytewise = Array.from({ length: data.length }, (_, i) => i);
          expect(summary(pushChunked(make(), data, bytewise))).toEqual(whole);
        },
      ),
    );
  });

  it.each([
    ['a TLS ClientHello', '16030100a5010000a10303'],
    ['a masked WebSocket frame', '8185373fa21d7f5ac87118'],
    ['a NUL byte', '00'],
    ['a space before the method', '20474554'],
    ['a control character in the target', '474554202f01'],
    ['a bad HTTP-version', '474554202f20485454582f'],
    ['a letter where the minor version digit is due', '474554202f20485454502f312e78'],
    ['no CRLF after the version', '474554202f20485454502f312e3120'],
  ])('RFC 9112 3: %s is refused from the bytes so far, before any blank line', (_name, hexBytes) => {
    const result = new HttpRequestParser().push(Uint8Array.from(Buffer.from(hexBytes, 'hex')));
    expect(result).toMatchObject({ status: 'error', error: { code: 'HTTP_ERR_MALFORMED' } });
  });

  it('RFC 9112 3: the request line is refused early exactly when the whole head would be refused', () => {
    const piece = fc.constantFrom(
      'GET',
      'POST',
      ' ',
      '/',
      '/chat?x=1',
      'HTTP/1.1',
      'HTTP/2.0',
      'HTTP/1.x',
      '\t',
      '\x01',
      '\x7f',
      '\xe9',
      '1',
      '.',
      'H',
      ':',
      '"',
    );
    const oracle = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ [\x21-\x7e\x80-\xff]+ HTTP\/\d\.\d$/;
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 8 }).map((p) => p.join('')),
        (line) => {
          const data = Uint8Array.from(`${line}\r\nHost: x\r\n\r\n`, (c) => c.charCodeAt(0));
          const bytewise = Array.from({ length: data.length }, (_, i) => i);
          const { result } = pushChunked(new HttpRequestParser(), data, bytewise);
          expect(result.status === 'complete').toBe(oracle.test(line));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('RFC 9112 2: a 16 KiB head fed byte by byte is copied a bounded number of times, not once per byte', () => {
    const head = utf8(`GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ${'p'.repeat(16 * 1024 - 40)}\r\n\r\n`);
    const parser = new HttpRequestParser(16 * 1024);
    let result: HeadResult = { status: 'incomplete' };
    const copied = countCopiedBytes(() => {
      for (let i = 0; i < head.length && result.status === 'incomplete'; i++)
        result = parser.push(head.subarray(i, i + 1));
    });
    expect(result.status).toBe('complete');
    // Linear: each byte is copied into the buffer once, plus at most one doubling's worth of moves.
    // (A buffer merged with every chunk copies about head.length² / 2 = 134 million bytes here.)
    expect(copied).toBeLessThanOrEqual(4 * head.length);
  });

  it('RFC 9112 2: a head that never ends, fed byte by byte up to the limit, is refused after linear copying', () => {
    const max = 16 * 1024;
    const parser = new HttpRequestParser(max);
    const one = utf8('a');
    let result: HeadResult = parser.push(utf8('GET / HTTP/1.1\r\n'));
    let pushed = 16;
    const copied = countCopiedBytes(() => {
      while (result.status === 'incomplete') {
        result = parser.push(one);
        pushed++;
      }
    });
    expect(result).toMatchObject({ status: 'error', error: { code: 'HTTP_ERR_HEAD_TOO_LARGE' } });
    expect(pushed).toBe(max + 1);
    expect(copied).toBeLessThanOrEqual(4 * max);
  });
});
