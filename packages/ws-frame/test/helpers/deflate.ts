import { nodeZlibCodec } from '../../src/adapters/node-zlib-codec.js';
import {
  acceptKey,
  type DeflateCodec,
  HttpRequestParser,
  type PerMessageDeflateOptions,
  pakoCodec,
  serializeHead,
  WebSocketProtocol,
} from '../../src/index.js';
import { seededRandom } from './fixtures.js';

/** Both codecs shipped: every permessage-deflate behaviour is checked with each. */
export const CODECS: ReadonlyArray<readonly [string, DeflateCodec]> = [
  ['pako', pakoCodec],
  ['node:zlib', nodeZlibCodec],
];

/**
 * A client whose handshake was answered by a hand-written 101 carrying `responseExtensions` (null: no
 * Sec-WebSocket-Extensions field). Events so far are discarded.
 */
export function clientAnswered(
  responseExtensions: string | null,
  deflate: PerMessageDeflateOptions,
  seed = 5,
  maxPayload?: number,
): WebSocketProtocol {
  const client = new WebSocketProtocol({
    role: 'client',
    handshake: { host: 'example.com' },
    random: seededRandom(seed),
    perMessageDeflate: deflate,
    ...(maxPayload !== undefined ? { maxPayload } : {}),
  });
  const request = new HttpRequestParser().push(concatAll(client.takeOutgoing()));
  if (request.status !== 'complete') throw new Error('no request');
  const key = request.head.headers.get('Sec-WebSocket-Key') ?? '';
  const fields: Array<[string, string]> = [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', acceptKey(key)],
  ];
  if (responseExtensions !== null) fields.push(['Sec-WebSocket-Extensions', responseExtensions]);
  client.receive(serializeHead('HTTP/1.1 101 Switching Protocols', fields));
  client.takeEvents();
  return client;
}

/** A server that read a request offering `offer` (null: no Sec-WebSocket-Extensions field). */
export function serverOffered(offer: string | null, deflate: PerMessageDeflateOptions): WebSocketProtocol {
  const server = new WebSocketProtocol({ role: 'server', perMessageDeflate: deflate });
  const fields: Array<[string, string]> = [
    ['Host', 'example.com'],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ['Sec-WebSocket-Version', '13'],
  ];
  if (offer !== null) fields.push(['Sec-WebSocket-Extensions', offer]);
  server.receive(serializeHead('GET / HTTP/1.1', fields));
  server.takeOutgoing();
  server.takeEvents();
  return server;
}

export function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
