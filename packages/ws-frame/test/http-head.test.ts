import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpRequestParser, HttpResponseParser } from '../src/index.js';
import { concat, utf8 } from './helpers/fixtures.js';

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
});
