import { describe, expect, it } from 'vitest';
import { CODECS, concatAll, serverOffered } from './helpers/deflate.js';

// RFC 7692 6: compression changes the payload and sets RSV1; the opcode stays the message's own. A text
// message handed over as UTF-8 bytes (`{ binary: false }`, as a server broadcasting one text does) must
// leave as Text (0x1) whether or not it is compressed.
const text = new TextEncoder().encode('{"type":"welcome","users":["x"]}'.repeat(4));

describe.each(CODECS)('RFC 7692 6 with %s: a compressed message keeps its opcode', (_name, codec) => {
  it.each([
    ['a string', 'hello '.repeat(20), undefined, 0xc1],
    ['UTF-8 bytes marked { binary: false }', text, { binary: false }, 0xc1],
    ['bytes', text, undefined, 0xc2],
    ['bytes marked { binary: true }', text, { binary: true }, 0xc2],
  ] as const)('%s: first octet FIN + RSV1 + opcode is %d', (_what, data, options, firstOctet) => {
    const server = serverOffered('permessage-deflate', { codec, threshold: 0 });
    expect(server.send(data, options)).toBe(true);
    const wire = concatAll(server.takeOutgoing());
    expect(wire[0]).toBe(firstOctet);
  });
});
