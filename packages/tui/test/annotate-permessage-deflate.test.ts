/**
 * The inspector on permessage-deflate frames (RFC 7692): RSV1 is named, and a compressed payload is
 * shown inflated when it inflates on its own (the 7.2.3 examples, server to client and masked).
 */
import { encodeFrame } from '@synack/ws-frame';
import { describe, expect, it } from 'vitest';
import { annotatePacket, bytesFromHex, type Field } from '../src/inspect/annotate.js';
import { packet } from './packets.js';

const byLabel = (fields: readonly Field[], label: string) => fields.find((f) => f.label.startsWith(label));

describe('RFC 7692 6 and 7.2.3 in the inspector', () => {
  it('7.2.3.1: RSV1 is named and "Hello" shown inflated from its 7 bytes', () => {
    const fields = annotatePacket(packet({ flags: 0x18, payload: bytesFromHex('c107 f248cdc9c90700') }));
    expect(byLabel(fields, 'WS FIN / RSV / opcode')?.value).toBe(
      'FIN=1 RSV=100 opcode=1 (text) RSV1: per-message compressed (RFC 7692)',
    );
    expect(byLabel(fields, 'WS compressed payload')).toMatchObject({
      start: 42,
      end: 49,
      value: '"Hello" inflated from 7 bytes',
    });
  });

  it('7.2.3.2: a message that refers back into the previous one is labelled as such, both frames decoded', () => {
    const fields = annotatePacket(
      packet({ flags: 0x18, payload: bytesFromHex('c107 f248cdc9c90700 c105 f200110000') }),
    );
    const payloads = fields.filter((f) => f.group === 'ws-payload').map((f) => f.value);
    expect(payloads).toEqual([
      '"Hello" inflated from 7 bytes',
      '5 bytes compressed; refers to earlier messages (context takeover) or is cut',
    ]);
  });

  it('a masked compressed client frame is unmasked, then inflated', () => {
    const frame = encodeFrame(
      { opcode: 1, rsv: 0b100, payload: bytesFromHex('f248cdc9c90700') },
      { mask: Uint8Array.of(1, 2, 3, 4) },
    );
    const fields = annotatePacket(packet({ flags: 0x18, payload: frame }));
    expect(byLabel(fields, 'WS compressed payload')?.value).toBe('"Hello" inflated from 7 bytes');
  });

  it('RSV1 on a control frame is not taken for a frame start (6.1 forbids it)', () => {
    const fields = annotatePacket(packet({ flags: 0x18, payload: bytesFromHex('c900') }));
    expect(fields.at(-1)?.label).toBe('TCP payload (continues an earlier frame)');
  });

  it('a plain frame still reads as before', () => {
    const fields = annotatePacket(packet({ flags: 0x18, payload: bytesFromHex('8105 48656c6c6f') }));
    expect(byLabel(fields, 'WS payload')?.value).toBe('"Hello"');
    expect(byLabel(fields, 'WS FIN / RSV / opcode')?.value).toBe('FIN=1 RSV=000 opcode=1 (text)');
  });
});
