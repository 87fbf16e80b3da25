/**
 * The connection's states in diagram order (CONNECTING, OPEN, CLOSING, CLOSED), each from a hand-built
 * fixture, with the RFC 6455 rule for every input. Names say state + input + outcome.
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame, Opcode, type WebSocketProtocol } from '../src/index.js';
import { connectedPair, hex, openServer, outgoing, recv, significant, utf8 } from './helpers/fixtures.js';

const MASK = hex('11223344');
const frame = (opcode: number, payload: Uint8Array = new Uint8Array(0)) =>
  encodeFrame({ opcode, payload }, { mask: MASK });
const closeFrame = (code: number) => frame(Opcode.Close, new Uint8Array([code >> 8, code & 255]));

/** Per-state fixtures (server role unless said otherwise), events and output already drained. */
const fixtures = {
  connecting(): WebSocketProtocol {
    const { client } = connectedPair();
    client.takeOutgoing();
    client.takeEvents();
    return client;
  },
  open: () => openServer(),
  /** We sent a close frame; the peer has not answered. */
  closingLocal(): WebSocketProtocol {
    const p = openServer();
    p.close(1000, 'bye');
    p.takeOutgoing();
    p.takeEvents();
    return p;
  },
  /** The peer's close arrived and was echoed; waiting for the peer's FIN. */
  closingRemote(): WebSocketProtocol {
    const p = openServer();
    recv(p, closeFrame(1001));
    p.takeOutgoing();
    return p;
  },
  closed(): WebSocketProtocol {
    const p = fixtures.closingRemote();
    p.receiveEof();
    p.takeEvents();
    return p;
  },
};

describe('CONNECTING', () => {
  it('RFC 6455 4.1: connecting + send -> InvalidStateError, nothing written', () => {
    const p = fixtures.connecting();
    expect(() => p.send('x')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
    expect(() => p.ping()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
    expect(p.takeOutgoing()).toEqual([]);
  });

  it('RFC 6455 7.1.7: connecting + close() -> transport ended, CLOSED with 1006', () => {
    const p = fixtures.connecting();
    p.close();
    expect(significant(p.takeEvents())).toEqual([
      { type: 'end-transport' },
      { type: 'closed', code: 1006, reason: '', wasClean: false },
    ]);
    expect(p.state).toBe('CLOSED');
  });

  it('RFC 6455 4.1: connecting + EOF before the response -> CLOSED with 1006', () => {
    const p = fixtures.connecting();
    p.receiveEof();
    expect(p.takeEvents().at(-1)).toEqual({ type: 'closed', code: 1006, reason: '', wasClean: false });
  });

  it('RFC 6455 4.1: connecting + garbage instead of a status line -> WS_ERR_HANDSHAKE_FAILED', () => {
    const p = fixtures.connecting();
    p.receive(utf8('SSH-2.0-OpenSSH\r\n\r\n'));
    expect(p.takeEvents().find((e) => e.type === 'error')).toMatchObject({
      error: { code: 'WS_ERR_HANDSHAKE_FAILED' },
    });
    expect(p.state).toBe('CLOSED');
  });
});

describe('OPEN', () => {
  it('RFC 6455 5.6: open + data frame -> message event', () => {
    expect(significant(recv(fixtures.open(), frame(Opcode.Text, utf8('hi'))))).toEqual([
      { type: 'message', binary: false, data: 'hi' },
    ]);
  });

  it('RFC 6455 5.5.1: open + close frame -> close event, echo, end-transport, CLOSING', () => {
    const p = fixtures.open();
    expect(significant(recv(p, closeFrame(1000)))).toEqual([
      { type: 'close', code: 1000, reason: '' },
      { type: 'end-transport' },
    ]);
    expect(outgoing(p)).toEqual(hex('880203e8'));
    expect(p.state).toBe('CLOSING');
  });

  it('RFC 6455 7.1.5: open + EOF -> CLOSED with 1006, not clean', () => {
    const p = fixtures.open();
    p.receiveEof();
    expect(p.takeEvents().at(-1)).toEqual({ type: 'closed', code: 1006, reason: '', wasClean: false });
  });

  it('RFC 6455 7.1.5: open + abort (reset) -> CLOSED with 1006 and no end-transport', () => {
    const p = fixtures.open();
    p.abort();
    expect(significant(p.takeEvents())).toEqual([
      { type: 'closed', code: 1006, reason: '', wasClean: false },
    ]);
  });
});

describe('CLOSING (we sent close)', () => {
  it('RFC 6455 1.4: closing + data frame from the peer -> still delivered', () => {
    expect(significant(recv(fixtures.closingLocal(), frame(Opcode.Binary, hex('01'))))).toEqual([
      { type: 'message', binary: true, data: hex('01') },
    ]);
  });

  it('RFC 6455 5.5.2: closing + ping -> answered (only a received Close ends the duty to pong)', () => {
    const p = fixtures.closingLocal();
    expect(significant(recv(p, frame(Opcode.Ping, hex('01'))))).toEqual([{ type: 'ping', data: hex('01') }]);
    expect(outgoing(p)).toEqual(encodeFrame({ opcode: Opcode.Pong, payload: hex('01') }));
  });

  it('RFC 6455 7.1.1: closing + close echo -> server ends TCP; no second close frame', () => {
    const p = fixtures.closingLocal();
    expect(significant(recv(p, closeFrame(1000)))).toEqual([
      { type: 'close', code: 1000, reason: '' },
      { type: 'end-transport' },
    ]);
    expect(outgoing(p)).toEqual(new Uint8Array(0));
  });

  it('RFC 6455 1.4: closing + send -> dropped (false), close() again -> no-op', () => {
    const p = fixtures.closingLocal();
    expect(p.send('x')).toBe(false);
    p.close(1000);
    expect(outgoing(p)).toEqual(new Uint8Array(0));
  });

  it('RFC 6455 7.1.7: closing + protocol violation -> error event and end-transport, no second close frame', () => {
    const p = fixtures.closingLocal();
    const events = recv(p, hex('8f80' + '00000000'));
    expect(significant(events).map((e) => e.type)).toEqual(['error', 'end-transport']);
    expect(outgoing(p)).toEqual(new Uint8Array(0));
  });
});

describe('CLOSING (peer sent close)', () => {
  it('RFC 6455 5.5.1: closing-remote + more frames -> ignored', () => {
    expect(significant(recv(fixtures.closingRemote(), frame(Opcode.Text, utf8('late'))))).toEqual([]);
  });

  it('RFC 6455 7.1.4: closing-remote + EOF -> CLOSED with the peer code, clean', () => {
    const p = fixtures.closingRemote();
    p.receiveEof();
    expect(p.takeEvents().at(-1)).toEqual({ type: 'closed', code: 1001, reason: '', wasClean: true });
  });
});

describe('CLOSED', () => {
  it('RFC 6455 7.1.4: closed + any input -> nothing happens', () => {
    const p = fixtures.closed();
    p.receive(frame(Opcode.Text, utf8('x')));
    p.receiveEof();
    p.abort();
    p.close(1000);
    expect(p.send('x')).toBe(false);
    expect(p.takeEvents()).toEqual([]);
    expect(p.takeOutgoing()).toEqual([]);
    expect(p.readyState).toBe(3);
  });
});
