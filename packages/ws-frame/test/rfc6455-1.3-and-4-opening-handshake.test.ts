import { describe, expect, it } from 'vitest';
import {
  acceptKey,
  buildClientRequest,
  HttpResponseParser,
  ServerHandshake,
  validateServerResponse,
  WebSocketProtocol,
} from '../src/index.js';
import { seededRandom, utf8 } from './helpers/fixtures.js';

const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

function request(lines: string[]): Uint8Array {
  return utf8(`${lines.join('\r\n')}\r\n\r\n`);
}

const GOOD = [
  'GET /chat HTTP/1.1',
  'Host: server.example.com',
  'Upgrade: websocket',
  'Connection: Upgrade',
  `Sec-WebSocket-Key: ${SAMPLE_KEY}`,
  'Sec-WebSocket-Version: 13',
];

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('RFC 6455 1.3: Sec-WebSocket-Accept', () => {
  it('RFC 6455 1.3: the sample nonce gives s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', () => {
    expect(acceptKey(SAMPLE_KEY)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('RFC 6455 1.3: the server answers the sample request with the sample accept value', () => {
    const result = new ServerHandshake().push(request(GOOD));
    expect(result.status).toBe('accepted');
    if (result.status !== 'accepted') return;
    expect(text(result.response)).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
    );
  });
});

describe('RFC 6455 4.1: client requirements', () => {
  it('RFC 6455 4.1: request carries Host, Upgrade, Connection, a 16-byte base64 key, version 13, Origin, protocols, extensions', () => {
    const req = buildClientRequest({
      host: '127.0.0.1:17122',
      path: '/chat?room=1',
      origin: 'http://example.com',
      protocols: ['chat', 'superchat'],
      extensions: 'x-test',
      random: () => new Uint8Array(16).fill(1),
    });
    expect(req.key).toBe('AQEBAQEBAQEBAQEBAQEBAQ==');
    expect(text(req.bytes)).toBe(
      'GET /chat?room=1 HTTP/1.1\r\nHost: 127.0.0.1:17122\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: AQEBAQEBAQEBAQEBAQEBAQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://example.com\r\n' +
        'Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Extensions: x-test\r\n\r\n',
    );
  });

  const key = 'AQEBAQEBAQEBAQEBAQEBAQ==';
  const accept = acceptKey(key);
  const cases: Array<[string, string[], string | null]> = [
    [
      'accepts a valid 101',
      [
        'HTTP/1.1 101 Switching Protocols',
        'Upgrade: WebSocket',
        'Connection: keep-alive, upgrade',
        `Sec-WebSocket-Accept: ${accept}`,
      ],
      null,
    ],
    [
      'fails on a status other than 101',
      ['HTTP/1.1 200 OK', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`],
      'status 200',
    ],
    [
      'fails without Upgrade: websocket',
      ['HTTP/1.1 101 x', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`],
      'Upgrade',
    ],
    [
      'fails without Connection: Upgrade',
      ['HTTP/1.1 101 x', 'Upgrade: websocket', `Sec-WebSocket-Accept: ${accept}`],
      'Connection',
    ],
    [
      'fails on a wrong accept value',
      [
        'HTTP/1.1 101 x',
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Accept: ${acceptKey('x')}`,
      ],
      'Accept',
    ],
    [
      'fails on an extension not offered',
      [
        'HTTP/1.1 101 x',
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Accept: ${accept}`,
        'Sec-WebSocket-Extensions: permessage-deflate',
      ],
      'extension',
    ],
    [
      'fails on a subprotocol not offered',
      [
        'HTTP/1.1 101 x',
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Accept: ${accept}`,
        'Sec-WebSocket-Protocol: other',
      ],
      'subprotocol',
    ],
  ];
  it.each(cases)('RFC 6455 4.1: %s', (_name, lines, failure) => {
    const parsed = new HttpResponseParser().push(request(lines));
    if (parsed.status !== 'complete') throw new Error('head did not parse');
    const verdict = validateServerResponse(parsed.head, { key, protocols: ['chat'] });
    if (failure === null) expect(verdict).toEqual({ protocol: '', extensions: '' });
    else
      expect('code' in verdict && verdict.code === 'WS_ERR_HANDSHAKE_FAILED' && verdict.message).toContain(
        failure,
      );
  });

  it('RFC 6455 4.1: a client whose response fails validation reports WS_ERR_HANDSHAKE_FAILED and closes with 1006', () => {
    const client = new WebSocketProtocol({
      role: 'client',
      handshake: { host: 'h' },
      random: seededRandom(),
    });
    client.takeEvents();
    client.receive(request(['HTTP/1.1 403 Forbidden', 'Content-Length: 0']));
    const events = client.takeEvents();
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      error: { code: 'WS_ERR_HANDSHAKE_FAILED' },
    });
    expect(events.at(-1)).toEqual({ type: 'closed', code: 1006, reason: '', wasClean: false });
    expect(client.readyState).toBe(3);
  });

  // RFC 9110 5.5: a field value holds no CR, LF or NUL; RFC 9112 5: names are tokens. A value that broke
  // this would end the field early and let the caller's text become a header of its own.
  it.each([
    ['a CR LF in Host', { host: 'h\r\nX-Evil: 1' }],
    ['a CR LF in Origin', { host: 'h', origin: 'o\r\n' }],
    ['a name that is not a token', { host: 'h', headers: [['X Bad', 'v']] as const }],
    ['a character above U+00FF in a value', { host: 'h', headers: [['X-Name', '你好']] as const }],
  ])('RFC 6455 4.1: %s is refused with ERR_INVALID_ARGUMENT, not written', (_name, options) => {
    expect(() => buildClientRequest({ ...options, random: seededRandom() })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  it('RFC 6455 4.2.2: extra 101 header lines are checked when the server handshake is made, not per request', () => {
    expect(() => new ServerHandshake({ headers: [['X-Ok', 'a\nb']] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('RFC 6455 4.2.1: reading the client opening handshake', () => {
  const without = (prefix: string) => GOOD.filter((l) => !l.startsWith(prefix));
  const cases: Array<[string, string[], number, string]> = [
    ['method must be GET', ['POST /chat HTTP/1.1', ...GOOD.slice(1)], 400, 'GET'],
    ['HTTP/1.1 or higher', ['GET /chat HTTP/1.0', ...GOOD.slice(1)], 400, 'HTTP/1.1'],
    ['Host is required', without('Host'), 400, 'Host'],
    ['Upgrade must contain websocket', without('Upgrade'), 400, 'Upgrade'],
    ['Connection must contain Upgrade', without('Connection'), 400, 'Connection'],
    ['Sec-WebSocket-Key is required', without('Sec-WebSocket-Key'), 400, 'Key'],
    [
      'Sec-WebSocket-Key must decode to 16 bytes',
      [...without('Sec-WebSocket-Key'), 'Sec-WebSocket-Key: AAAA'],
      400,
      'Key',
    ],
    ['Sec-WebSocket-Version is required', without('Sec-WebSocket-Version'), 400, 'Version'],
    [
      'an unknown version gets 426',
      [...without('Sec-WebSocket-Version'), 'Sec-WebSocket-Version: 8'],
      426,
      'Version',
    ],
    ['a malformed header line gets 400', [...GOOD, 'no colon here'], 400, 'malformed'],
  ];
  it.each(cases)('RFC 6455 4.2.1: %s', (_name, lines, status, reason) => {
    const result = new ServerHandshake().push(request(lines));
    if (result.status !== 'rejected') throw new Error(`expected rejection, got ${result.status}`);
    expect(result.httpStatus).toBe(status);
    expect(result.reason).toContain(reason);
    const response = text(result.response);
    expect(response.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(response).toContain(result.reason);
    // 4.4: "the server MUST ... send back ... a |Sec-WebSocket-Version| header field" with 426.
    expect(response.includes('Sec-WebSocket-Version: 13\r\n')).toBe(status === 426);
  });

  it('RFC 6455 4.2.1: header names are case-insensitive and token lists comma-separated', () => {
    const lines = [
      'GET / HTTP/1.1',
      'host: a',
      'UPGRADE: foo, WebSocket',
      'connection: keep-alive,Upgrade',
      `sec-websocket-key: ${SAMPLE_KEY}`,
      'SEC-WEBSOCKET-VERSION: 13',
    ];
    expect(new ServerHandshake().push(request(lines)).status).toBe('accepted');
  });

  it('RFC 6455 4.2.1: a head split at every byte is parsed the same, and bytes after it are kept', () => {
    const all = new Uint8Array([...request(GOOD), 0x81, 0x80]);
    const hs = new ServerHandshake();
    let result = hs.push(all.subarray(0, 1));
    for (let i = 1; i < all.length && result.status === 'incomplete'; i++)
      result = hs.push(all.subarray(i, i + 1));
    expect(result.status).toBe('accepted');
  });

  it('RFC 6455 4.2.1: a head above the size limit is refused with 431 and never buffered further', () => {
    const hs = new ServerHandshake({ maxHeadBytes: 1024 });
    let result = hs.push(utf8('GET / HTTP/1.1\r\n'));
    for (let i = 0; i < 100 && result.status === 'incomplete'; i++)
      result = hs.push(utf8(`X-Pad-${i}: ${'a'.repeat(50)}\r\n`));
    expect(result).toMatchObject({ status: 'rejected', httpStatus: 431 });
  });

  it('RFC 6455 4.2.1: a plain GET without Upgrade is flagged as not an upgrade request', () => {
    const result = new ServerHandshake().push(request(['GET / HTTP/1.1', 'Host: a']));
    expect(result).toMatchObject({ status: 'rejected', httpStatus: 400, isUpgradeRequest: false });
  });
});

describe('RFC 6455 4.2.2: sending the server opening handshake', () => {
  it('RFC 6455 4.2.2: the selection hook picks one of the offered subprotocols', () => {
    const hs = new ServerHandshake({ selectProtocol: (offered) => offered.find((p) => p === 'superchat') });
    const result = hs.push(request([...GOOD, 'Sec-WebSocket-Protocol: chat, superchat']));
    expect(result).toMatchObject({ status: 'accepted', protocol: 'superchat' });
    if (result.status === 'accepted')
      expect(text(result.response)).toContain('Sec-WebSocket-Protocol: superchat\r\n');
  });

  it('RFC 6455 4.2.2: a hook answer not offered by the client is ignored', () => {
    const hs = new ServerHandshake({ selectProtocol: () => 'evil' });
    const result = hs.push(request([...GOOD, 'Sec-WebSocket-Protocol: chat']));
    expect(result).toMatchObject({ status: 'accepted', protocol: '' });
    if (result.status === 'accepted') expect(text(result.response)).not.toContain('Sec-WebSocket-Protocol');
  });

  it('RFC 6455 4.2.2: client and server protocols complete the handshake together and agree on the subprotocol', () => {
    const client = new WebSocketProtocol({
      role: 'client',
      handshake: { host: 'h', protocols: ['a', 'b'] },
      random: seededRandom(5),
    });
    const server = new WebSocketProtocol({ role: 'server', handshake: { selectProtocol: (o) => o[1] } });
    for (const b of client.takeOutgoing()) server.receive(b);
    for (const b of server.takeOutgoing()) client.receive(b);
    expect([client.state, server.state]).toEqual(['OPEN', 'OPEN']);
    expect([client.protocol, server.protocol]).toEqual(['b', 'b']);
    const types = client.takeEvents().map((e) => e.type);
    expect(types).toEqual(['handshake-request', 'handshake-response', 'state', 'open']);
  });
});
