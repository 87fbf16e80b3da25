import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annotatePacket, bytesFromHex, type Field } from '../src/inspect/annotate.js';
import { ascii, maskedText, packet, toHex } from './packets.js';

const byLabel = (fields: readonly Field[], label: string) => fields.find((f) => f.label.startsWith(label));

describe('RFC 791 3.1 and RFC 9293 3.1: IPv4 and TCP header fields', () => {
  const syn = packet({ flags: 0x02, seq: 0x01020304, options: [2, 4, 0x05, 0xb4, 1, 1, 4, 2] });
  const fields = annotatePacket(syn);

  it.each([
    ['IP version / IHL', 0, 1, '4 / 20 bytes'],
    ['IP total length', 2, 4, `${syn.length}`],
    ['IP protocol', 9, 10, 'TCP'],
    ['IP source', 12, 16, '10.0.0.1'],
    ['IP destination', 16, 20, '10.0.0.2'],
    ['TCP source port', 20, 22, '50000'],
    ['TCP destination port', 22, 24, '17122'],
    ['TCP sequence number', 24, 28, `${0x01020304}`],
    ['TCP data offset', 32, 33, '28 bytes'],
    ['TCP flags', 33, 34, 'SYN'],
    ['TCP window', 34, 36, '65535'],
    ['TCP option MSS', 40, 44, '1460'],
    ['TCP option NOP', 44, 45, ''],
    ['TCP option SACK permitted', 46, 48, ''],
  ])('%s is bytes [%i, %i) with value %s', (label, start, end, value) => {
    expect(byLabel(fields, label)).toMatchObject({ start, end, value });
  });
});

describe('RFC 9112 2.1: an HTTP Upgrade head is labelled line by line', () => {
  const head =
    'GET / HTTP/1.1\r\nHost: server:17122\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
  const fields = annotatePacket(packet({ flags: 0x18, payload: ascii(head) }));

  it('the request line, each header field by name, and the empty line', () => {
    const http = fields.filter((f) => f.group === 'http');
    expect(http.map((f) => f.label)).toEqual([
      'HTTP request line',
      'HTTP Host',
      'HTTP Upgrade',
      'HTTP Sec-WebSocket-Key',
      'HTTP end of head',
    ]);
    expect(byLabel(fields, 'HTTP Sec-WebSocket-Key')?.value).toBe('dGhlIHNhbXBsZSBub25jZQ==');
  });

  it('a 101 response is recognised by its status line', () => {
    const f = annotatePacket(packet({ payload: ascii('HTTP/1.1 101 Switching Protocols\r\n\r\n') }));
    expect(byLabel(f, 'HTTP status line')?.value).toBe('HTTP/1.1 101 Switching Protocols');
  });
});

describe('RFC 6455 5.2: WebSocket frame fields', () => {
  it('a masked client text frame: FIN/opcode, MASK/length, key, and the payload unmasked as text', () => {
    const frame = maskedText('type=add&ming=Muxer');
    const fields = annotatePacket(packet({ flags: 0x18, payload: frame }));
    const base = 40;
    expect(byLabel(fields, 'WS FIN')).toMatchObject({ start: base, value: 'FIN=1 RSV=000 opcode=1 (text)' });
    expect(byLabel(fields, 'WS MASK')).toMatchObject({ start: base + 1, value: 'MASK=1 len=19' });
    expect(byLabel(fields, 'WS masking key')).toMatchObject({
      start: base + 2,
      end: base + 6,
      value: '37 fa 21 3d',
    });
    expect(byLabel(fields, 'WS masked payload')).toMatchObject({
      start: base + 6,
      end: base + 6 + 19,
      value: '"type=add&ming=Muxer"',
    });
  });

  it('a 200-byte server text frame uses the 16-bit extended length', () => {
    const text = 'x'.repeat(200);
    const frame = new Uint8Array([0x81, 126, 0, 200, ...ascii(text)]);
    const fields = annotatePacket(packet({ payload: frame }));
    expect(byLabel(fields, 'WS extended length (16-bit)')).toMatchObject({
      start: 42,
      end: 44,
      value: '200',
    });
    expect(byLabel(fields, 'WS payload')?.end).toBe(44 + 200);
  });

  it('a frame cut by the segment boundary says how much of it is here', () => {
    const frame = new Uint8Array([0x82, 126, 0x01, 0x00, 1, 2, 3]);
    const fields = annotatePacket(packet({ payload: frame }));
    expect(byLabel(fields, 'WS payload')?.label).toBe('WS payload (3 of 256 bytes here)');
  });

  it('a close frame shows its status code and reason (RFC 6455 5.5.1)', () => {
    const frame = new Uint8Array([0x88, 5, 0x03, 0xe8, ...ascii('bye')]);
    expect(byLabel(annotatePacket(packet({ payload: frame })), 'WS payload')?.value).toBe('code 1000 "bye"');
  });

  it('two frames in one segment are both labelled', () => {
    const two = new Uint8Array([0x89, 0, 0x8a, 0]);
    const ops = annotatePacket(packet({ payload: two })).filter((f) => f.label.startsWith('WS FIN'));
    expect(ops.map((f) => f.value)).toEqual([
      'FIN=1 RSV=000 opcode=9 (ping)',
      'FIN=1 RSV=000 opcode=10 (pong)',
    ]);
  });

  it('bytes that cannot start a frame are labelled as the continuation of an earlier one', () => {
    const fields = annotatePacket(packet({ payload: new Uint8Array([0x7f, 0x33]) }));
    expect(fields.at(-1)?.label).toBe('TCP payload (continues an earlier frame)');
  });
});

describe('the annotator labels, it never fails', () => {
  it('bytesFromHex reads what toHex writes', () => {
    const b = packet({ payload: ascii('hi') });
    expect(bytesFromHex(toHex(b))).toEqual(b);
  });

  it('property: any bytes give in-range, ordered, non-overlapping fields, and never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const fields = annotatePacket(bytes);
        let end = 0;
        for (const f of fields) {
          expect(f.start).toBeGreaterThanOrEqual(end);
          expect(f.end).toBeGreaterThan(f.start);
          expect(f.end).toBeLessThanOrEqual(bytes.length);
          end = f.end;
        }
      }),
    );
  });

  it('property: a well-formed masked frame after a TCP header always decodes back to its text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }),
        (text, key) => {
          const fields = annotatePacket(packet({ payload: maskedText(text, key) }));
          expect(byLabel(fields, 'WS masked payload')?.value ?? '""').toBe(JSON.stringify(text));
        },
      ),
    );
  });
});
