import { describe, expect, it } from 'vitest';
import {
  acceptKey,
  acceptResponse,
  buildOffers,
  type DeflateOfferOptions,
  HttpRequestParser,
  type ProtocolEvent,
  pakoCodec,
  parseExtensionHeader,
  selectOffer,
  WebSocketError,
  WebSocketProtocol,
} from '../src/index.js';
import { clientAnswered, concatAll, serverOffered } from './helpers/deflate.js';
import { hex, recv, seededRandom } from './helpers/fixtures.js';

const DEFAULTS = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

describe('RFC 6455 9.1: the Sec-WebSocket-Extensions grammar', () => {
  it.each([
    ['permessage-deflate', [{ name: 'permessage-deflate', params: [] }]],
    [
      'Permessage-Deflate ; Client_Max_Window_Bits , x-foo; a=1',
      [
        { name: 'permessage-deflate', params: [{ name: 'client_max_window_bits', value: null }] },
        { name: 'x-foo', params: [{ name: 'a', value: '1' }] },
      ],
    ],
    // 9.1: a quoted-string value is unquoted and must then be a token.
    [
      'permessage-deflate; server_max_window_bits="10"',
      [{ name: 'permessage-deflate', params: [{ name: 'server_max_window_bits', value: '10' }] }],
    ],
    [
      'a, , b',
      [
        { name: 'a', params: [] },
        { name: 'b', params: [] },
      ],
    ],
  ])('%s parses', (header, elements) => {
    expect(parseExtensionHeader(header)).toEqual(elements);
  });
  it.each(['permessage-deflate; x="10', 'permessage-deflate; x="a b"', '; x', 'a; =1', 'a b', 'a; x=1=2'])(
    '%s does not parse',
    (header) => {
      expect(parseExtensionHeader(header)).toBeNull();
    },
  );
});

describe('RFC 7692 5 and 7.1: the server picks the first acceptable offer', () => {
  const ACCEPTED: ReadonlyArray<[string, DeflateOfferOptions, string, number]> = [
    ['permessage-deflate', {}, 'permessage-deflate', 0],
    ['permessage-deflate; client_max_window_bits', {}, 'permessage-deflate', 0],
    [
      'permessage-deflate; client_max_window_bits',
      { clientMaxWindowBits: 10 },
      'permessage-deflate; client_max_window_bits=10',
      0,
    ],
    ['permessage-deflate; client_max_window_bits=12', {}, 'permessage-deflate; client_max_window_bits=12', 0],
    [
      'permessage-deflate; client_max_window_bits=12',
      { clientMaxWindowBits: 9 },
      'permessage-deflate; client_max_window_bits=9',
      0,
    ],
    // 7.1.2.2: without the client's parameter the server must not limit the client's window.
    ['permessage-deflate', { clientMaxWindowBits: 10 }, 'permessage-deflate', 0],
    ['permessage-deflate; server_max_window_bits=10', {}, 'permessage-deflate; server_max_window_bits=10', 0],
    [
      'permessage-deflate; server_max_window_bits=10',
      { serverMaxWindowBits: 9 },
      'permessage-deflate; server_max_window_bits=9',
      0,
    ],
    [
      'permessage-deflate; server_max_window_bits=8',
      { serverMaxWindowBits: 12 },
      'permessage-deflate; server_max_window_bits=8',
      0,
    ],
    // 7.1.2.1: a server may limit its own window unasked.
    ['permessage-deflate', { serverMaxWindowBits: 11 }, 'permessage-deflate; server_max_window_bits=11', 0],
    [
      'permessage-deflate; server_no_context_takeover',
      {},
      'permessage-deflate; server_no_context_takeover',
      0,
    ],
    [
      'permessage-deflate',
      { serverNoContextTakeover: true },
      'permessage-deflate; server_no_context_takeover',
      0,
    ],
    // 7.1.1.2: a server may tell the client not to take over context, offered or not.
    [
      'permessage-deflate',
      { clientNoContextTakeover: true },
      'permessage-deflate; client_no_context_takeover',
      0,
    ],
    [
      'permessage-deflate; server_max_window_bits="10"',
      {},
      'permessage-deflate; server_max_window_bits=10',
      0,
    ],
    // Section 5: an invalid offer is declined and the next one considered.
    [
      'permessage-deflate; server_max_window_bits=7, permessage-deflate; client_max_window_bits',
      {},
      'permessage-deflate',
      1,
    ],
    [
      'permessage-deflate; x, permessage-deflate; server_no_context_takeover',
      {},
      'permessage-deflate; server_no_context_takeover',
      1,
    ],
    ['x-webkit-deflate-frame, permessage-deflate', {}, 'permessage-deflate', 0],
    [
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=8',
      {},
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=9; client_max_window_bits=8',
      0,
    ],
  ];
  it.each(ACCEPTED)('offer %j with local %j is answered %j (offer #%i)', (offer, local, response, index) => {
    const selection = selectOffer(offer, local);
    expect(selection).toMatchObject({ accepted: true, response, offerIndex: index });
  });

  const DECLINED: ReadonlyArray<[string, string]> = [
    ['permessage-deflate; foo', 'unknown parameter foo'],
    ['permessage-deflate; server_no_context_takeover; server_no_context_takeover', 'repeated'],
    ['permessage-deflate; server_no_context_takeover=1', 'takes no value'],
    ['permessage-deflate; client_no_context_takeover=x', 'takes no value'],
    ['permessage-deflate; server_max_window_bits', 'server_max_window_bits must be 8-15'],
    ['permessage-deflate; server_max_window_bits=16', 'server_max_window_bits must be 8-15'],
    ['permessage-deflate; server_max_window_bits=7', 'server_max_window_bits must be 8-15'],
    ['permessage-deflate; server_max_window_bits=010', 'server_max_window_bits must be 8-15'],
    ['permessage-deflate; client_max_window_bits=16', 'client_max_window_bits must be 8-15'],
    ['permessage-deflate; client_max_window_bits=abc', 'client_max_window_bits must be 8-15'],
    ['permessage-deflate; server_max_window_bits="10', 'does not parse'],
  ];
  it.each(DECLINED)('offer %j is declined (%s)', (offer, why) => {
    const selection = selectOffer(offer);
    expect(selection.accepted).toBe(false);
    if (!selection.accepted) expect(selection.declined.join()).toContain(why);
  });
  it('no offer, or only other extensions: nothing is accepted', () => {
    expect(selectOffer(null).accepted).toBe(false);
    expect(selectOffer('x-foo; bar').accepted).toBe(false);
  });
});

describe('RFC 7692 7.1: the client checks the response against its offers', () => {
  const OK: ReadonlyArray<[string, DeflateOfferOptions[], object]> = [
    ['permessage-deflate', [{ clientMaxWindowBits: true }], {}],
    [
      'permessage-deflate; client_max_window_bits=10',
      [{ clientMaxWindowBits: true }],
      { clientMaxWindowBits: 10 },
    ],
    [
      'permessage-deflate; client_max_window_bits=9',
      [{ clientMaxWindowBits: 10 }],
      { clientMaxWindowBits: 9 },
    ],
    ['permessage-deflate; server_max_window_bits=9', [{}], { serverMaxWindowBits: 9 }],
    [
      'permessage-deflate; server_max_window_bits=10',
      [{ serverMaxWindowBits: 10 }],
      { serverMaxWindowBits: 10 },
    ],
    ['permessage-deflate; client_no_context_takeover', [{}], { clientNoContextTakeover: true }],
    [
      'permessage-deflate; server_no_context_takeover',
      [{ serverNoContextTakeover: true }],
      { serverNoContextTakeover: true },
    ],
    ['permessage-deflate; server_no_context_takeover', [{}], { serverNoContextTakeover: true }],
    // Several offers: the response answers the second.
    ['permessage-deflate', [{ serverMaxWindowBits: 10 }, {}], {}],
  ];
  it.each(OK)('%j answers %j', (response, offers, agreed) => {
    expect(acceptResponse(response, offers)).toEqual({ ...DEFAULTS, ...agreed });
  });

  const FAIL: ReadonlyArray<[string, DeflateOfferOptions[], string]> = [
    ['permessage-deflate; client_max_window_bits=10', [{}], 'client_max_window_bits was not offered'],
    [
      'permessage-deflate; client_max_window_bits',
      [{ clientMaxWindowBits: true }],
      'client_max_window_bits must be 8-15',
    ],
    [
      'permessage-deflate; client_max_window_bits=11',
      [{ clientMaxWindowBits: 10 }],
      'above the offered value',
    ],
    [
      'permessage-deflate; server_max_window_bits=12',
      [{ serverMaxWindowBits: 10 }],
      'above the offered value',
    ],
    ['permessage-deflate', [{ serverMaxWindowBits: 10 }], 'above the offered value'],
    ['permessage-deflate', [{ serverNoContextTakeover: true }], 'server_no_context_takeover was offered'],
    ['permessage-deflate, permessage-deflate', [{}], 'accepted more than once'],
    ['permessage-deflate; foo=1', [{}], 'unknown parameter foo'],
    ['permessage-deflate; server_no_context_takeover; server_no_context_takeover', [{}], 'repeated'],
    ['permessage-deflate; server_max_window_bits=16', [{}], 'server_max_window_bits must be 8-15'],
    ['permessage-deflate; a="b', [{}], 'does not parse'],
  ];
  it.each(FAIL)('%j to %j fails the connection (%s)', (response, offers, why) => {
    const verdict = acceptResponse(response, offers);
    expect(verdict).toBeInstanceOf(WebSocketError);
    expect((verdict as WebSocketError).message).toContain(why);
  });

  it('no permessage-deflate in the response: declined, not an error', () => {
    expect(acceptResponse(null, [{}])).toBeNull();
    expect(acceptResponse('x-other', [{}])).toBeNull();
  });

  it('several offers are written in preference order, with and without values', () => {
    expect(
      buildOffers([
        {
          serverNoContextTakeover: true,
          clientNoContextTakeover: true,
          serverMaxWindowBits: 10,
          clientMaxWindowBits: 9,
        },
        { clientMaxWindowBits: true },
        {},
      ]),
    ).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9, permessage-deflate; client_max_window_bits, permessage-deflate',
    );
    expect(() => buildOffers([{ serverMaxWindowBits: 16 }])).toThrow(RangeError);
  });
});

describe('RFC 7692 negotiation through WebSocketProtocol', () => {
  it('the client offers permessage-deflate in its request (after its own extensions)', () => {
    const client = new WebSocketProtocol({
      role: 'client',
      handshake: { host: 'h', extensions: 'x-own' },
      random: seededRandom(1),
      perMessageDeflate: { codec: pakoCodec },
    });
    const head = new HttpRequestParser().push(concatAll(client.takeOutgoing()));
    expect(head.status === 'complete' && head.head.headers.get('Sec-WebSocket-Extensions')).toBe(
      'x-own, permessage-deflate; client_max_window_bits',
    );
  });

  it('the server answers the first acceptable offer in its 101 and reports it as `extensions`', () => {
    const server = new WebSocketProtocol({ role: 'server', perMessageDeflate: { codec: pakoCodec } });
    const request =
      'GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; foo, permessage-deflate; server_max_window_bits=10\r\n\r\n';
    server.receive(new TextEncoder().encode(request));
    const response = new TextDecoder().decode(concatAll(server.takeOutgoing()));
    expect(response).toContain(
      '\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n',
    );
    expect(server.extensions).toBe('permessage-deflate; server_max_window_bits=10');
  });

  it('a server without perMessageDeflate declines every offer (no Sec-WebSocket-Extensions in the 101)', () => {
    const server = new WebSocketProtocol({ role: 'server' });
    const request =
      'GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n';
    server.receive(new TextEncoder().encode(request));
    expect(new TextDecoder().decode(concatAll(server.takeOutgoing()))).not.toContain('Extensions');
  });

  it('7.1: a client fails the connection (1006, no close frame) on an unacceptable response', () => {
    const failed = clientAnsweredRaw('permessage-deflate; client_max_window_bits=10');
    expect(failed.state).toBe('CLOSED');
    expect(failed.events.find((e) => e.type === 'error')).toMatchObject({
      error: { code: 'WS_ERR_HANDSHAKE_FAILED' },
    });
    expect(failed.events.find((e) => e.type === 'closed')).toMatchObject({ code: 1006, wasClean: false });
    expect(failed.outgoing.length).toBe(0);
  });

  it('RFC 6455 5.2: RSV1 from a server that declined permessage-deflate fails the connection with 1002', () => {
    const client = clientAnswered(null, { codec: pakoCodec });
    const events = recv(client, hex('c107 f248cdc9c90700'));
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      error: { code: 'WS_ERR_UNEXPECTED_RSV', closeCode: 1002 },
    });
    expect(client.extensions).toBe('');
  });

  it('a server with perMessageDeflate and a client without it talk uncompressed', () => {
    const server = serverOffered(null, { codec: pakoCodec, threshold: 0 });
    server.send('Hello');
    expect([...concatAll(server.takeOutgoing())]).toEqual([...hex('8105 48656c6c6f')]);
  });
});

/** A client (offering the defaults) answered with `responseExtensions`, and all it did. */
function clientAnsweredRaw(responseExtensions: string) {
  const events: ProtocolEvent[] = [];
  const outgoing: Uint8Array[] = [];
  const client = new WebSocketProtocol({
    role: 'client',
    handshake: { host: 'example.com' },
    random: seededRandom(5),
    perMessageDeflate: { codec: pakoCodec, offers: [{}] },
  });
  const request = new HttpRequestParser().push(concatAll(client.takeOutgoing()));
  if (request.status !== 'complete') throw new Error('no request');
  client.setEventListener((e) => events.push(e));
  const accept = acceptKey(request.head.headers.get('Sec-WebSocket-Key') ?? '');
  client.receive(
    new TextEncoder().encode(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Extensions: ${responseExtensions}\r\n\r\n`,
    ),
  );
  outgoing.push(...client.takeOutgoing());
  return { state: client.state, events, outgoing };
}
