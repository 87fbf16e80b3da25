import { describe, expect, it } from 'vitest';
import { ServerHandshake, WebSocketProtocol } from '../src/index.js';
import {
  acceptedServerSteps,
  type OpeningHandshake,
  type OpeningStep,
  startClientOpening,
  startServerOpening,
} from '../src/opening-handshake.js';
import { bytes, concat, seededRandom, utf8 } from './helpers/fixtures.js';

// The opening handshake's sequencing, tested without a connection: each path is a list of steps.

const kinds = (steps: readonly OpeningStep[]) =>
  steps.map((s) => (s.type === 'emit' ? `emit ${s.event.type} ${s.event.direction}` : s.type));
const written = (steps: readonly OpeningStep[]) =>
  concat(...steps.flatMap((s) => (s.type === 'write' ? [s.bytes] : [])));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Feeds `data` one byte at a time; every call before the last must return no steps. */
function feedBytewise(opening: OpeningHandshake, data: Uint8Array): OpeningStep[] {
  for (let i = 0; i < data.length - 1; i++) expect(opening.receive(data.subarray(i, i + 1))).toEqual([]);
  return opening.receive(data.subarray(data.length - 1));
}

function client() {
  return startClientOpening({ host: 'example.com', path: '/chat', protocols: ['chat'] }, seededRandom(7));
}

function request(lines: string[]): Uint8Array {
  return utf8(`${lines.join('\r\n')}\r\n\r\n`);
}

describe('RFC 6455 4.1: the client opening', () => {
  it('RFC 6455 4.1: starting queues the request and reports it, nothing more', () => {
    const { steps } = client();
    expect(kinds(steps)).toEqual(['write', 'emit handshake-request sent']);
    const [write, emit] = steps;
    if (write?.type !== 'write' || emit?.type !== 'emit') throw new Error('unexpected steps');
    expect(emit.event.bytes).toBe(write.bytes);
    expect(emit.event.head).toMatchObject({ method: 'GET', target: '/chat' });
  });

  it('RFC 6455 4.1: a valid 101 is reported, then the connection opens with the bytes after the head', () => {
    const { opening, steps } = client();
    const server = startServerOpening({ selectProtocol: (offered) => offered[0] });
    const answer = server.receive(written(steps));
    const frame = bytes(0x81, 0x02, 0x68, 0x69);
    const result = opening.receive(concat(written(answer), frame));
    expect(kinds(result)).toEqual(['emit handshake-response received', 'open']);
    expect(result[1]).toEqual({ type: 'open', protocol: 'chat', extensions: '', rest: frame });
  });

  it('RFC 6455 4.1: a response with a wrong Sec-WebSocket-Accept is reported, then fails with 1006', () => {
    const { opening } = client();
    const response = request([
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
    ]);
    const result = opening.receive(response);
    expect(kinds(result)).toEqual(['emit handshake-response received', 'fail']);
    expect(result[1]).toMatchObject({ error: { code: 'WS_ERR_HANDSHAKE_FAILED', closeCode: 1006 } });
  });

  it('RFC 9112 4: a response head that does not parse fails without a response event', () => {
    const { opening } = client();
    const result = opening.receive(utf8('HTTP/1.1 1O1 nope\r\n\r\n'));
    expect(kinds(result)).toEqual(['fail']);
    expect(result[0]).toMatchObject({ error: { code: 'WS_ERR_HANDSHAKE_FAILED' } });
  });
});

describe('RFC 6455 4.2: the server opening', () => {
  it('RFC 6455 4.2.2: a valid request, fed byte by byte, is reported, answered 101, and opens', () => {
    const { steps } = client();
    const result = feedBytewise(startServerOpening(), written(steps));
    expect(kinds(result)).toEqual([
      'emit handshake-request received',
      'write',
      'emit handshake-response sent',
      'open',
    ]);
    expect(text(written(result))).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(result[2]).toMatchObject({ event: { status: 101, head: { status: 101 } } });
    expect(result[3]).toEqual({ type: 'open', protocol: '', extensions: '', rest: new Uint8Array(0) });
  });

  it('RFC 6455 4.2.1 item 6: an unknown version is reported, answered 426, and fails', () => {
    const result = startServerOpening().receive(
      request([
        'GET / HTTP/1.1',
        'Host: a',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 8',
      ]),
    );
    expect(kinds(result)).toEqual([
      'emit handshake-request received',
      'write',
      'emit handshake-response sent',
      'fail',
    ]);
    expect(text(written(result))).toMatch(/^HTTP\/1\.1 426 /);
    expect(result[3]).toMatchObject({ error: { code: 'WS_ERR_HANDSHAKE_FAILED', closeCode: 1006 } });
  });

  it('RFC 9112 2: a request head above the limit is answered 431 with no request event', () => {
    const result = startServerOpening({ maxHeadBytes: 64 }).receive(
      utf8(`GET / HTTP/1.1\r\nX: ${'y'.repeat(80)}`),
    );
    expect(kinds(result)).toEqual(['write', 'emit handshake-response sent', 'fail']);
    expect(text(written(result))).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('RFC 6455 4.2.2: a handshake accepted elsewhere (the node adapter) gives the same steps', () => {
    const { steps } = client();
    const extra = bytes(0x89, 0x80, 1, 2, 3, 4);
    const accepted = new ServerHandshake().push(concat(written(steps), extra));
    if (accepted.status !== 'accepted') throw new Error(accepted.status);
    const fromResult = acceptedServerSteps(accepted);
    expect(kinds(fromResult)).toEqual(kinds(startServerOpening().receive(written(steps))));
    expect(fromResult.at(-1)).toMatchObject({ type: 'open', rest: extra });
  });
});

describe('RFC 6455 4: WebSocketProtocol carries out the steps in order', () => {
  it('RFC 6455 4.1, 4.2.2: both ends report exactly the emitted handshake events and write the written bytes', () => {
    const c = new WebSocketProtocol({
      role: 'client',
      handshake: { host: 'example.com', path: '/chat', protocols: ['chat'] },
      random: seededRandom(7),
    });
    const { steps } = client();
    const request = concat(...c.takeOutgoing());
    expect(request).toEqual(written(steps));
    const s = new WebSocketProtocol({ role: 'server' });
    s.receive(request);
    const expected = startServerOpening().receive(written(steps));
    expect(concat(...s.takeOutgoing())).toEqual(written(expected));
    const handshakeEvents = s.takeEvents().filter((e) => e.type.startsWith('handshake-'));
    expect(handshakeEvents).toEqual(expected.flatMap((step) => (step.type === 'emit' ? [step.event] : [])));
  });
});
