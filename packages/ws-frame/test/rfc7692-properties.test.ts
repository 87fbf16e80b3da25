import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DeflateOfferOptions, type ProtocolEvent, WebSocketProtocol } from '../src/index.js';
import { CODECS } from './helpers/deflate.js';
import { seededRandom } from './helpers/fixtures.js';

const message = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  // Repetitive text compresses, so back references across messages (context takeover) get exercised.
  fc
    .tuple(fc.constantFrom('chat ', '你好 ', '{"a":1}'), fc.integer({ min: 0, max: 3000 }))
    .map(([s, n]) => s.repeat(n)),
  fc.uint8Array({ maxLength: 5000 }),
);

const offer: fc.Arbitrary<DeflateOfferOptions> = fc.record(
  {
    serverNoContextTakeover: fc.boolean(),
    clientNoContextTakeover: fc.boolean(),
    serverMaxWindowBits: fc.integer({ min: 8, max: 15 }),
    clientMaxWindowBits: fc.oneof(fc.constant(true as const), fc.integer({ min: 8, max: 15 })),
  },
  { requiredKeys: [] },
);

/** Delivers `bytes` to `to` in pieces whose sizes come from `cuts` (cycled). */
function deliver(to: WebSocketProtocol, bytes: Uint8Array[], cuts: number[]): void {
  let k = 0;
  for (const chunk of bytes) {
    for (let i = 0; i < chunk.length; ) {
      const n = Math.max(1, cuts[k++ % cuts.length]!);
      to.receive(chunk.slice(i, i + n));
      i += n;
    }
  }
}

const received = (events: ProtocolEvent[]) =>
  events.filter((e) => e.type === 'message').map((e) => (e.binary ? [...e.data] : e.data));
const asSent = (m: string | Uint8Array) => (typeof m === 'string' ? m : [...m]);

const PAIRS = CODECS.flatMap(([a, clientCodec]) =>
  CODECS.map(([b, serverCodec]) => [`${a} client, ${b} server`, clientCodec, serverCodec] as const),
);

describe.each(PAIRS)(
  'RFC 7692 property: any messages in any chunking arrive intact (%s)',
  (_name, clientCodec, serverCodec) => {
    it('both directions, with or without context takeover, any window sizes and thresholds', () => {
      fc.assert(
        fc.property(
          offer,
          fc.record({ serverNoContextTakeover: fc.boolean(), clientNoContextTakeover: fc.boolean() }),
          fc.integer({ min: 0, max: 200 }),
          fc.array(fc.tuple(fc.boolean(), message), { maxLength: 12 }),
          fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 8 }),
          (clientOffer, serverAccept, threshold, script, cuts) => {
            const client = new WebSocketProtocol({
              role: 'client',
              handshake: { host: 'h' },
              random: seededRandom(1),
              perMessageDeflate: { codec: clientCodec, offers: [clientOffer], threshold },
            });
            const server = new WebSocketProtocol({
              role: 'server',
              perMessageDeflate: { codec: serverCodec, accept: serverAccept, threshold },
            });
            deliver(server, client.takeOutgoing(), cuts);
            deliver(client, server.takeOutgoing(), cuts);
            expect(client.extensions).toMatch(/^permessage-deflate/);
            client.takeEvents();
            server.takeEvents();
            for (const [fromClient, data] of script) (fromClient ? client : server).send(data);
            deliver(server, client.takeOutgoing(), cuts);
            deliver(client, server.takeOutgoing(), cuts);
            const toServer = script.filter(([c]) => c).map(([, m]) => asSent(m));
            const toClient = script.filter(([c]) => !c).map(([, m]) => asSent(m));
            const serverEvents = server.takeEvents();
            const clientEvents = client.takeEvents();
            expect(serverEvents.filter((e) => e.type === 'error')).toEqual([]);
            expect(clientEvents.filter((e) => e.type === 'error')).toEqual([]);
            expect(received(serverEvents)).toEqual(toServer);
            expect(received(clientEvents)).toEqual(toClient);
          },
        ),
        { numRuns: 40 },
      );
    });
  },
);
