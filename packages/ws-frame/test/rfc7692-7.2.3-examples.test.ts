import { describe, expect, it } from 'vitest';
import { decodeFrames, encodeFrame, type ProtocolEvent, type WebSocketProtocol } from '../src/index.js';
import { CODECS, clientAnswered, concatAll, serverOffered } from './helpers/deflate.js';
import { hex, recv, seededRandom, significant, utf8 } from './helpers/fixtures.js';

const messages = (events: ProtocolEvent[]) =>
  events.filter((e) => e.type === 'message').map((e) => (e.binary ? [...e.data] : e.data));

/** RFC 7692 7.2.3: each example's frames (server to client, unmasked) and the messages they carry. */
const DECODE_VECTORS: ReadonlyArray<{ name: string; wire: string; messages: string[] }> = [
  { name: '7.2.3.1 one compressed DEFLATE block', wire: 'c107 f248cdc9c90700', messages: ['Hello'] },
  {
    name: '7.2.3.1 the same block fragmented (RSV1 on the first frame only)',
    wire: '4103 f248cd 8004 c9c90700',
    messages: ['Hello'],
  },
  {
    name: '7.2.3.2 sharing the LZ77 window: the second "Hello" is a back reference',
    wire: 'c107 f248cdc9c90700 c105 f200110000',
    messages: ['Hello', 'Hello'],
  },
  {
    name: '7.2.3.3 a DEFLATE block with no compression',
    wire: 'c10b 000500faff48656c6c6f00',
    messages: ['Hello'],
  },
  {
    name: '7.2.3.4 a DEFLATE block with BFINAL set (and a message after it)',
    wire: 'c108 f348cdc9c9070000 c107 f248cdc9c90700',
    messages: ['Hello', 'Hello'],
  },
  {
    name: '7.2.3.5 two DEFLATE blocks in one message',
    wire: 'c10d f2480500 0000ffff cac9c90700',
    messages: ['Hello'],
  },
  { name: '7.2.3.6 an empty fragment: an empty message', wire: 'c101 00', messages: [''] },
  {
    name: '7.2.3.6 an empty last fragment after a flushed first one',
    wire: '410b f248cdc9c90700 0000ffff 800100',
    messages: ['Hello'],
  },
];

/** A server's frames as they would be sent: the same bytes masked by a client. */
function maskedCopy(wire: Uint8Array, seed: number): Uint8Array {
  const { frames } = decodeFrames([wire], { role: 'any', allowedRsv: 0b100 });
  const random = seededRandom(seed);
  return concatAll(frames.map((f) => encodeFrame(f, { mask: random(4) })));
}

describe.each(CODECS)('RFC 7692 7.2.3 examples received (%s)', (_name, codec) => {
  describe.each(DECODE_VECTORS)('$name', ({ wire, messages: expected }) => {
    const bytes = hex(wire);
    it.each([
      ['whole', bytes.length],
      ['split in two', Math.ceil(bytes.length / 2)],
      ['byte by byte', 1],
    ])('by a client, %s', (_how, size) => {
      const client = clientAnswered('permessage-deflate', { codec });
      const events = recv(client, bytes, size);
      expect(messages(events)).toEqual(expected);
      expect(events.some((e) => e.type === 'error')).toBe(false);
    });
    it('by a server, masked', () => {
      const server = serverOffered('permessage-deflate', { codec });
      const events = recv(server, maskedCopy(bytes, 9));
      expect(messages(events)).toEqual(expected);
    });
  });
});

/** What `p` queued, as frames (unmasked), with their RSV bits. */
function sentFrames(p: WebSocketProtocol) {
  return decodeFrames(p.takeOutgoing(), { role: 'any', allowedRsv: 0b100 }).frames;
}

describe.each(CODECS)('RFC 7692 7.2.3 examples sent (%s)', (_name, codec) => {
  it('7.2.3.1 and 7.2.3.2: a server sends "Hello" twice as the RFC bytes, the second a back reference', () => {
    const server = serverOffered('permessage-deflate', { codec, threshold: 0 });
    server.send('Hello');
    server.send('Hello');
    expect([...concatAll(server.takeOutgoing())]).toEqual([...hex('c107 f248cdc9c90700 c105 f200110000')]);
  });

  it('7.1.1.1 and 7.2.3.2: with server_no_context_takeover the second "Hello" is compressed afresh', () => {
    const server = serverOffered('permessage-deflate; server_no_context_takeover', { codec, threshold: 0 });
    server.send('Hello');
    server.send('Hello');
    expect([...concatAll(server.takeOutgoing())]).toEqual([
      ...hex('c107 f248cdc9c90700 c107 f248cdc9c90700'),
    ]);
  });

  it('7.2.3.2: a client sends the same payloads, masked, RSV1 set', () => {
    const client = clientAnswered('permessage-deflate', { codec, threshold: 0 });
    client.send('Hello');
    client.send('Hello');
    const frames = sentFrames(client);
    expect(frames.map((f) => [f.rsv, f.opcode, [...f.payload]])).toEqual([
      [0b100, 1, [...hex('f248cdc9c90700')]],
      [0b100, 1, [...hex('f200110000')]],
    ]);
  });

  it('7.1.1.2: a client told client_no_context_takeover compresses every message afresh', () => {
    const client = clientAnswered('permessage-deflate; client_no_context_takeover', { codec, threshold: 0 });
    client.send('Hello');
    client.send('Hello');
    expect(sentFrames(client).map((f) => [...f.payload])).toEqual([
      [...hex('f248cdc9c90700')],
      [...hex('f248cdc9c90700')],
    ]);
  });

  it('7.2.3.6: an empty message is sent as the single octet 0x00', () => {
    const server = serverOffered('permessage-deflate', { codec, threshold: 0 });
    server.send('');
    expect([...concatAll(server.takeOutgoing())]).toEqual([...hex('c101 00')]);
  });

  it('section 6: messages below the threshold go out uncompressed, RSV1 clear', () => {
    const server = serverOffered('permessage-deflate', { codec, threshold: 6 });
    server.send('Hello');
    server.send(utf8('Hello!'));
    expect(sentFrames(server).map((f) => [f.rsv, f.payload.length])).toEqual([
      [0, 5],
      [0b100, 8],
    ]);
  });

  it('6.1: control frames are never compressed, even above the threshold', () => {
    const server = serverOffered('permessage-deflate', { codec, threshold: 0 });
    server.ping('Hello');
    server.close(1000, 'bye bye bye');
    expect(sentFrames(server).map((f) => f.rsv)).toEqual([0, 0]);
  });

  it('a round trip between our own ends keeps every message, text and binary', () => {
    const server = serverOffered('permessage-deflate', { codec, threshold: 0 });
    const client = clientAnswered('permessage-deflate', { codec, threshold: 0 });
    const sent = ['Hello', '你好, world', '', 'x'.repeat(70_000)];
    for (const m of sent) server.send(m);
    server.send(Uint8Array.of(1, 2, 3));
    const events = significant(recv(client, concatAll(server.takeOutgoing()), 1000));
    expect(messages(events)).toEqual([...sent, [1, 2, 3]]);
  });
});
