import { describe, expect, it } from 'vitest';
import { encodeFrame, Opcode, WebSocketUsageError } from '../src/index.js';
import {
  connectedPair,
  hex,
  openClient,
  openServer,
  outgoing,
  recv,
  significant,
  utf8,
} from './helpers/fixtures.js';

const MASK = hex('00000000');
const c = (opcode: number, payload: Uint8Array = new Uint8Array(0)) =>
  encodeFrame({ opcode, payload }, { mask: MASK });
const closePayload = (code: number, reason = '') => new Uint8Array([code >> 8, code & 255, ...utf8(reason)]);

describe('RFC 6455 5.5.2 / 5.5.3: ping and pong', () => {
  it('RFC 6455 5.5.2: a ping is answered by a pong with identical application data', () => {
    const p = openServer();
    expect(significant(recv(p, c(Opcode.Ping, utf8('hi'))))).toEqual([{ type: 'ping', data: utf8('hi') }]);
    expect(outgoing(p)).toEqual(hex('8a026869'));
  });

  it('RFC 6455 5.5.2: a 125-byte ping is answered in full', () => {
    const p = openServer();
    recv(p, c(Opcode.Ping, new Uint8Array(125).fill(7)));
    expect(outgoing(p).length).toBe(127);
  });

  it('RFC 6455 5.5.3: an unsolicited pong is reported and not answered', () => {
    const p = openServer();
    expect(significant(recv(p, c(Opcode.Pong)))).toEqual([{ type: 'pong', data: new Uint8Array(0) }]);
    expect(outgoing(p).length).toBe(0);
  });

  it('RFC 6455 5.5: ping() refuses more than 125 bytes', () => {
    expect(() => openServer().ping(new Uint8Array(126))).toThrow(WebSocketUsageError);
  });
});

describe('RFC 6455 5.5.1 and 7.4: close frames received in OPEN', () => {
  // 1012-1014: registered with IANA after RFC 6455 (Service Restart, Try Again Later, Bad Gateway).
  const valid = [
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
  ];
  it.each(valid)(
    'RFC 6455 7.4 and the IANA close code registry: close code %i is valid and echoed',
    (code) => {
      const p = openServer();
      const events = recv(p, c(Opcode.Close, closePayload(code, 'bye')));
      expect(significant(events)).toEqual([
        { type: 'close', code, reason: 'bye' },
        { type: 'end-transport' },
      ]);
      expect(outgoing(p)).toEqual(new Uint8Array([0x88, 2, code >> 8, code & 255]));
      expect(p.state).toBe('CLOSING');
    },
  );

  const invalid = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
  it.each(invalid)('RFC 6455 7.4: close code %i is a protocol error (1002)', (code) => {
    const p = openServer();
    const events = recv(p, c(Opcode.Close, closePayload(code)));
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      error: { code: 'WS_ERR_INVALID_CLOSE_CODE', closeCode: 1002 },
    });
    expect(outgoing(p)).toEqual(hex('880203ea'));
  });

  it('RFC 6455 5.5.1: close frame with 1-byte payload fails with 1002', () => {
    const p = openServer();
    const events = recv(p, c(Opcode.Close, hex('03')));
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      error: { code: 'WS_ERR_INVALID_CLOSE_PAYLOAD' },
    });
    expect(outgoing(p)).toEqual(hex('880203ea'));
  });

  it('RFC 6455 5.5.1: an empty close is reported as 1005 and answered with an empty close', () => {
    const p = openServer();
    expect(significant(recv(p, c(Opcode.Close)))[0]).toEqual({ type: 'close', code: 1005, reason: '' });
    expect(outgoing(p)).toEqual(hex('8800'));
  });

  it('RFC 6455 5.5.1: a close reason that is not UTF-8 fails with 1007', () => {
    const p = openServer();
    const events = recv(p, c(Opcode.Close, new Uint8Array([0x03, 0xe8, 0xff])));
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      error: { code: 'WS_ERR_INVALID_UTF8', closeCode: 1007 },
    });
  });

  it('RFC 6455 5.5.1: frames after the close frame are ignored', () => {
    const p = openServer();
    const events = recv(
      p,
      new Uint8Array([...c(Opcode.Close, closePayload(1000)), ...c(Opcode.Text, utf8('late'))]),
    );
    expect(events.some((e) => e.type === 'message')).toBe(false);
  });
});

describe('RFC 6455 7: the closing handshake, state by state', () => {
  it('RFC 6455 7.1.2: client close() -> CLOSING, server echoes and ends TCP first, both CLOSED and clean', () => {
    const { client, server, log, pump } = connectedPair();
    pump();
    client.close(1000, 'done');
    expect(client.state).toBe('CLOSING');
    pump();
    expect([client.state, server.state]).toEqual(['CLOSED', 'CLOSED']);
    // Each side reports the close frame it received: the server echoed the code without a reason.
    expect(log.client.at(-1)).toEqual({ type: 'closed', code: 1000, reason: '', wasClean: true });
    expect(log.server.at(-1)).toEqual({ type: 'closed', code: 1000, reason: 'done', wasClean: true });
    // 7.1.1: the server asked to end the transport before the client did.
    const serverEnd = log.server.findIndex((e) => e.type === 'end-transport');
    expect(serverEnd).toBeGreaterThan(-1);
    expect(log.client.some((e) => e.type === 'end-transport')).toBe(true);
  });

  it('RFC 6455 7.1.2: server close() completes the same way', () => {
    const { client, server, log, pump } = connectedPair();
    pump();
    server.close(4000, '再见');
    pump();
    expect(log.client.find((e) => e.type === 'close')).toEqual({ type: 'close', code: 4000, reason: '再见' });
    expect(log.server.at(-1)).toMatchObject({ type: 'closed', code: 4000, wasClean: true });
    expect([client.readyState, server.readyState]).toEqual([3, 3]);
  });

  it('RFC 6455 7.1.5: a transport closed without a close frame gives 1006, not clean', () => {
    const p = openClient();
    p.receiveEof();
    expect(significant(p.takeEvents())).toEqual([
      { type: 'end-transport' },
      { type: 'closed', code: 1006, reason: '', wasClean: false },
    ]);
  });

  it('RFC 6455 7.1.2: send() after close() is dropped and returns false; close() twice sends one close frame', () => {
    const p = openServer();
    p.close(1000);
    p.close(1001);
    expect(p.send('x')).toBe(false);
    expect(outgoing(p)).toEqual(hex('880203e8'));
  });

  it('RFC 6455 7.4: close() refuses codes that may not be sent and reasons above 123 bytes', () => {
    const p = openServer();
    expect(() => p.close(1005)).toThrow(WebSocketUsageError);
    expect(() => p.close(1006)).toThrow(WebSocketUsageError);
    expect(() => p.close(1000, 'x'.repeat(124))).toThrow(WebSocketUsageError);
    expect(p.state).toBe('OPEN');
  });

  it.each([1012, 1013, 1014])(
    'IANA close code registry: close(%i) may be sent (registered after RFC 6455)',
    (code) => {
      const p = openServer();
      p.close(code);
      expect(outgoing(p)).toEqual(new Uint8Array([0x88, 2, code >> 8, code & 255]));
    },
  );

  it('RFC 6455 4.1: send() while CONNECTING is a usage error (InvalidStateError)', () => {
    const { client } = connectedPair();
    expect(() => client.send('x')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
  });

  it('RFC 6455 5.2: frame-sent and frame-received offsets match on both sides, counted after the HTTP head', () => {
    const { client, log, pump } = connectedPair();
    pump();
    client.send('one');
    client.send(new Uint8Array(200));
    client.ping('p');
    pump();
    const sent = log.client
      .filter((e) => e.type === 'frame-sent')
      .map((e) => [e.offset, e.headerLength, e.payloadLength]);
    const received = log.server
      .filter((e) => e.type === 'frame-received')
      .map((e) => [e.offset, e.headerLength, e.payloadLength]);
    expect(sent).toEqual([
      [0, 6, 3],
      [9, 8, 200],
      [217, 6, 1],
    ]);
    expect(received).toEqual(sent);
  });
});

describe('RFC 6455 5.5.1: sendFrame for scenarios', () => {
  it('RFC 6455 5.5.1: a close frame sent by hand moves OPEN to CLOSING and the peer echo completes the handshake', () => {
    const p = openServer();
    p.sendFrame({ opcode: Opcode.Close, payload: new Uint8Array([0x03, 0xe8]) });
    expect(p.state).toBe('CLOSING');
    expect(p.send('late')).toBe(false);
    const events = recv(p, c(Opcode.Close, closePayload(1000)));
    expect(significant(events)).toEqual([
      { type: 'close', code: 1000, reason: '' },
      { type: 'end-transport' },
    ]);
    expect(outgoing(p)).toEqual(hex('880203e8'));
  });
});
