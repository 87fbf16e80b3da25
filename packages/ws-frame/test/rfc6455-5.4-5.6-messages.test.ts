import { describe, expect, it } from 'vitest';
import { encodeFrame, Opcode, WebSocketProtocol } from '../src/index.js';
import {
  concat,
  hex,
  openClient,
  openServer,
  outgoing,
  recv,
  significant,
  utf8,
} from './helpers/fixtures.js';

const MASK = hex('a1b2c3d4');
/** A frame as a client sends it (masked). */
const c = (opcode: number, payload: Uint8Array | string = new Uint8Array(0), fin = true) =>
  encodeFrame(
    { opcode, fin, payload: typeof payload === 'string' ? utf8(payload) : payload },
    { mask: MASK },
  );

describe('RFC 6455 5.4: fragmentation, OPEN server', () => {
  it('RFC 6455 5.4: a text message in three fragments is delivered once, whole', () => {
    const wire = concat(
      c(Opcode.Text, 'fra', false),
      c(Opcode.Continuation, 'gmen', false),
      c(Opcode.Continuation, 'ts'),
    );
    for (const size of [1, 3, wire.length]) {
      expect(significant(recv(openServer(), wire, size))).toEqual([
        { type: 'message', binary: false, data: 'fragments' },
      ]);
    }
  });

  it('RFC 6455 5.4: control frames interleaved in a fragmented message are handled at once, ping answered before the message ends', () => {
    const p = openServer();
    const events = recv(p, concat(c(Opcode.Text, 'a', false), c(Opcode.Ping, 'p1')));
    expect(significant(events)).toEqual([{ type: 'ping', data: utf8('p1') }]);
    expect(outgoing(p)).toEqual(hex('8a027031'));
    const rest = recv(p, concat(c(Opcode.Pong, 'x'), c(Opcode.Continuation, 'b')));
    expect(significant(rest)).toEqual([
      { type: 'pong', data: utf8('x') },
      { type: 'message', binary: false, data: 'ab' },
    ]);
  });

  const errors: Array<[string, Uint8Array, string, number]> = [
    [
      'RFC 6455 5.4: a continuation frame with no message open',
      c(Opcode.Continuation, 'x'),
      'WS_ERR_UNEXPECTED_CONTINUATION',
      1002,
    ],
    [
      'RFC 6455 5.4: a new text frame inside a fragmented message',
      concat(c(Opcode.Text, 'a', false), c(Opcode.Text, 'b')),
      'WS_ERR_EXPECTED_CONTINUATION',
      1002,
    ],
    [
      'RFC 6455 10.4: a message above the size limit',
      concat(c(Opcode.Binary, new Uint8Array(60), false), c(0, new Uint8Array(60))),
      'WS_ERR_MESSAGE_TOO_BIG',
      1009,
    ],
    [
      'RFC 6455 10.4: more fragments than the limit',
      concat(...Array.from({ length: 9 }, (_, i) => c(i === 0 ? 2 : 0, new Uint8Array(0), false))),
      'WS_ERR_TOO_MANY_FRAGMENTS',
      1009,
    ],
  ];
  it.each(errors)('%s fails with %s and close %i', (_name, wire, code, closeCode) => {
    const p = openServer({ maxPayload: 100, maxFragments: 8 });
    const events = recv(p, wire);
    expect(events.find((e) => e.type === 'error')).toMatchObject({ error: { code, closeCode } });
    expect(outgoing(p)).toEqual(concat(hex(`8802${closeCode.toString(16).padStart(4, '0')}`)));
    expect(events.map((e) => e.type)).toContain('end-transport');
    expect(p.state).toBe('CLOSING');
  });
});

describe('RFC 6455 8.1: UTF-8 in text messages, OPEN server', () => {
  it('RFC 6455 8.1: 你好 in a text frame is delivered as 你好', () => {
    expect(significant(recv(openServer(), c(Opcode.Text, '你好'), 1))).toEqual([
      { type: 'message', binary: false, data: '你好' },
    ]);
  });

  it('RFC 6455 8.1: a code point split across fragments is valid', () => {
    const [a, b] = [utf8('你').subarray(0, 1), utf8('你').subarray(1)];
    const wire = concat(c(Opcode.Text, a, false), c(Opcode.Continuation, b));
    expect(significant(recv(openServer(), wire))).toEqual([{ type: 'message', binary: false, data: '你' }]);
  });

  it('RFC 6455 8.1: invalid UTF-8 in the first fragment fails with 1007 before the message ends', () => {
    const p = openServer();
    const events = recv(p, c(Opcode.Text, hex('cebae1bdb9cf83ceb5eda080'), false));
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      error: { code: 'WS_ERR_INVALID_UTF8', closeCode: 1007 },
    });
    expect(outgoing(p)).toEqual(hex('880203ef'));
  });

  it('RFC 6455 8.1: invalid UTF-8 fails as its bytes arrive, inside a single frame', () => {
    const p = openServer();
    const wire = c(Opcode.Text, concat(hex('f4908080'), new Uint8Array(100).fill(0x61)));
    // Header (2 + 4 mask) + the two bytes F4 90 are enough to know the frame is invalid.
    const events = recv(p, wire.subarray(0, 2 + 2 + 4 + 2));
    expect(events.some((e) => e.type === 'error')).toBe(true);
  });

  it('RFC 6455 8.1: a text message ending inside a sequence fails with 1007', () => {
    const events = recv(openServer(), c(Opcode.Text, hex('e4bd')));
    expect(events.find((e) => e.type === 'error')).toMatchObject({ error: { code: 'WS_ERR_INVALID_UTF8' } });
  });

  it('RFC 6455 5.6: binary messages are not checked for UTF-8', () => {
    expect(significant(recv(openServer(), c(Opcode.Binary, hex('ff'))))).toEqual([
      { type: 'message', binary: true, data: hex('ff') },
    ]);
  });
});

describe('RFC 6455 5.1 and 5.3: masking by role', () => {
  it('RFC 6455 5.3: a client masks every frame with a fresh key; a server never masks', async () => {
    const { openClient } = await import('./helpers/fixtures.js');
    const client = openClient(11);
    client.send('Hello');
    client.send('Hello');
    const sent = client.takeEvents().filter((e) => e.type === 'frame-sent');
    expect(sent.map((e) => e.masked)).toEqual([true, true]);
    expect(sent[0]!.maskKey).not.toEqual(sent[1]!.maskKey);
    const server = openServer();
    server.send('Hello');
    expect(outgoing(server)).toEqual(hex('810548656c6c6f'));
  });
});

describe('RFC 6455 10.4: default limits', () => {
  it('RFC 6455 10.4: the defaults accept a 16 MiB message and 65,536 fragments, and refuse the 65,537th', () => {
    const big = new WebSocketProtocol({ role: 'server', handshake: 'skip' });
    const payload = new Uint8Array(16 * 1024 * 1024);
    big.receive(encodeFrame({ opcode: Opcode.Binary, payload }, { mask: MASK }));
    const message = big.takeEvents().find((e) => e.type === 'message');
    expect(message?.type === 'message' && message.binary && message.data.length).toBe(16 * 1024 * 1024);

    const fragment = (opcode: number, fin: boolean) =>
      encodeFrame({ opcode, fin, payload: Uint8Array.of(0x61) }, { mask: MASK });
    const flood = (count: number) => {
      const p = openServer();
      const middle = fragment(Opcode.Continuation, false);
      const stream = new Uint8Array(middle.length * count);
      stream.set(fragment(Opcode.Text, false), 0);
      for (let i = 1; i < count - 1; i++) stream.set(middle, i * middle.length);
      stream.set(fragment(Opcode.Continuation, true), (count - 1) * middle.length);
      p.receive(stream);
      return significant(p.takeEvents());
    };
    const ok = flood(65536);
    expect(ok).toHaveLength(1);
    expect(ok[0]?.type === 'message' && ok[0].data.length).toBe(65536);
    expect(flood(65537)[0]).toMatchObject({
      type: 'error',
      error: { code: 'WS_ERR_TOO_MANY_FRAGMENTS', closeCode: 1009 },
    });
  });

  it('RFC 6455 7.1.7: the messages before a bad frame are still delivered, then the error', () => {
    const wire = concat(c(Opcode.Text, 'good'), c(Opcode.Binary, hex('01')), hex('8f80a1b2c3d4'));
    expect(significant(recv(openServer(), wire)).map((e) => e.type)).toEqual([
      'message',
      'message',
      'error',
      'end-transport',
    ]);
  });
});

describe('RFC 6455 5.6: sending text already encoded as UTF-8', () => {
  it('RFC 6455 5.6: send(bytes, { binary: false }) sends a text frame with those bytes, the large payload itself queued', () => {
    const p = openServer();
    const text = utf8('你好'.repeat(2000)); // 12,000 bytes: above the copy threshold
    expect(p.send(text, { binary: false })).toBe(true);
    const pieces = p.takeOutgoing();
    expect(pieces[0]).toEqual(hex('817e2ee0'));
    expect(pieces[1]).toBe(text);
  });

  it('RFC 6455 5.6: a client masks pre-encoded text into its own copy, leaving the caller bytes as they were', () => {
    const client = openClient();
    const text = utf8('hello');
    client.send(text, { binary: false });
    const frame = outgoing(client);
    expect(frame[0]).toBe(0x81);
    expect(text).toEqual(utf8('hello'));
    const events = recv(openServer(), frame);
    expect(significant(events)).toContainEqual({ type: 'message', binary: false, data: 'hello' });
  });
});
