import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyMask,
  decodeFrames,
  encodeFrame,
  type Frame,
  FrameParser,
  type FrameSink,
  isValidUtf8,
  type ProtocolEvent,
  Utf8Validator,
  WebSocketProtocol,
} from '../src/index.js';

const anyFrame = fc.record({
  fin: fc.boolean(),
  rsv: fc.integer({ min: 0, max: 7 }),
  opcode: fc.constantFrom(0, 1, 2, 8, 9, 10),
  payload: fc.uint8Array({ maxLength: 300 }),
});
const anyMask = fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined });

/** Splits bytes at the given cut points (sorted, deduplicated). */
function split(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of points) {
    out.push(data.slice(last, p));
    last = p;
  }
  out.push(data.slice(last));
  return out;
}

function protocolEvents(chunks: Uint8Array[]): ProtocolEvent[] {
  const p = new WebSocketProtocol({
    role: 'server',
    handshake: 'skip',
    maxPayload: 4096,
    maxFragments: 64,
  });
  for (const c of chunks) p.receive(c.slice());
  p.receiveEof();
  return p.takeEvents();
}

describe('RFC 6455 5.2: encode/decode properties', () => {
  it('RFC 6455 5.2: any frame survives encode then decode, masked or not, whatever the chunking', () => {
    fc.assert(
      fc.property(anyFrame, anyMask, fc.array(fc.nat(), { maxLength: 6 }), (frame, mask, cuts) => {
        const payload = frame.opcode >= 8 ? frame.payload.subarray(0, 125) : frame.payload;
        const f: Frame = { ...frame, fin: frame.opcode >= 8 ? true : frame.fin, payload };
        const wire = encodeFrame(f, mask ? { mask } : {});
        const decoded = decodeFrames(split(wire, cuts), { role: 'any', allowedRsv: 7 });
        expect(decoded.error).toBeNull();
        expect(decoded.frames).toEqual([f]);
      }),
    );
  });

  it('RFC 6455 5.2: any chunking of any byte stream gives the same protocol events', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 8 }), (data, cuts) => {
        expect(protocolEvents(split(data, cuts))).toEqual(protocolEvents([data]));
      }),
    );
  });

  it('RFC 6455 5.2: any chunking of valid masked traffic gives the same protocol events', () => {
    const stream = fc
      .array(fc.tuple(anyFrame, fc.uint8Array({ minLength: 4, maxLength: 4 })), { maxLength: 6 })
      .map((frames) =>
        Uint8Array.from(
          frames.flatMap(([f, mask]) => [
            ...encodeFrame(
              { ...f, rsv: 0, fin: f.opcode >= 8 || f.fin, payload: f.payload.subarray(0, 125) },
              { mask },
            ),
          ]),
        ),
      );
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 8 }), (data, cuts) => {
        expect(protocolEvents(split(data, cuts))).toEqual(protocolEvents([data]));
      }),
    );
  });

  it('RFC 6455 5.2: a passive event listener sees exactly the events takeEvents() would return', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 8 }), (data, cuts) => {
        const p = new WebSocketProtocol({
          role: 'server',
          handshake: 'skip',
          maxPayload: 4096,
          maxFragments: 64,
        });
        const seen: ProtocolEvent[] = [];
        p.setEventListener((e) => seen.push(e));
        for (const c of split(data, cuts)) p.receive(c.slice());
        p.receiveEof();
        expect(p.takeEvents()).toEqual([]);
        expect(seen).toEqual(protocolEvents([data]));
      }),
    );
  });

  it('RFC 6455 5.2: arbitrary bytes never throw and always end (byte by byte too)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.constantFrom('client', 'server') as fc.Arbitrary<'client' | 'server'>,
        (data, role) => {
          const p =
            role === 'client'
              ? new WebSocketProtocol({ role, handshake: { host: 'h' }, random: () => new Uint8Array(16) })
              : new WebSocketProtocol({ role });
          for (const b of data) p.receive(Uint8Array.of(b));
          p.receiveEof();
          expect(p.state).toBe('CLOSED');
          const events = p.takeEvents();
          expect(events.filter((e) => e.type === 'closed')).toHaveLength(1);
        },
      ),
    );
  });

  it('RFC 6455 5.2: the parser buffers at most one header whatever it is fed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        let retained = 0;
        const sink: FrameSink = {
          onHeader() {},
          onPayload: (c) => {
            retained = Math.max(retained, c.length);
          },
          onFrameEnd() {},
          onError() {},
        };
        const parser = new FrameParser(sink, { role: 'any', allowedRsv: 7 });
        for (const b of data) parser.push(Uint8Array.of(b));
        // Byte-by-byte input: every payload piece handed on is at most the byte just fed.
        expect(retained).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('RFC 6455 5.3: masking properties', () => {
  it('RFC 6455 5.3: the word-wise mask equals the byte-wise definition octet i ^ key[i mod 4], and is its own inverse', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.nat(7),
        fc.nat(3),
        (data, key, align, phase) => {
          const backing = new Uint8Array(data.length + 8);
          const view = backing.subarray(align, align + data.length);
          view.set(data);
          applyMask(view, key, phase);
          expect(view).toEqual(data.map((b, i) => b ^ key[(i + phase) % 4]!));
          // Unmasking is the same function (5.3), so a second pass gives the data back.
          applyMask(view, key, phase);
          expect(view).toEqual(data);
        },
      ),
    );
  });
});

describe('RFC 3629 4 (RFC 6455 8.1): UTF-8 validation properties', () => {
  it('RFC 6455 8.1: the incremental validator agrees with a fatal TextDecoder under any chunking', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    const valid = (b: Uint8Array) => {
      try {
        strict.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ unit: 'grapheme' }).map((s) => new TextEncoder().encode(s)),
    );
    fc.assert(
      fc.property(bytesArb, fc.array(fc.nat(), { maxLength: 5 }), (data, cuts) => {
        const v = new Utf8Validator();
        const ok = split(data, cuts).every((c) => v.push(c)) && v.complete;
        expect(ok).toBe(valid(data));
        expect(isValidUtf8(data)).toBe(valid(data));
      }),
    );
  });
});

describe('RFC 6455 5-7: a client and a server talking', () => {
  type Op = { side: 'client' | 'server'; kind: 'text' | 'binary' | 'ping'; text: string; bytes: Uint8Array };
  const op: fc.Arbitrary<Op> = fc.record({
    side: fc.constantFrom('client', 'server'),
    kind: fc.constantFrom('text', 'binary', 'ping'),
    text: fc.string({ unit: 'grapheme', maxLength: 40 }),
    bytes: fc.uint8Array({ maxLength: 300 }),
  });

  it('RFC 6455 5-7: whatever is sent, in any chunking, arrives intact and in order, and the close is clean', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 12 }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        (ops, size, clientCloses) => {
          const client = new WebSocketProtocol({
            role: 'client',
            handshake: { host: 'h' },
            random: (n) => new Uint8Array(n).fill(n),
          });
          const server = new WebSocketProtocol({ role: 'server' });
          const events = { client: [] as ProtocolEvent[], server: [] as ProtocolEvent[] };
          const transfer = (from: WebSocketProtocol, to: WebSocketProtocol) => {
            for (const bytes of from.takeOutgoing()) {
              for (let i = 0; i < bytes.length; i += size) to.receive(bytes.slice(i, i + size));
            }
          };
          const settle = () => {
            for (let i = 0; i < 10; i++) {
              transfer(client, server);
              transfer(server, client);
            }
            events.client.push(...client.takeEvents());
            events.server.push(...server.takeEvents());
          };
          settle();
          const expected = { client: [] as unknown[], server: [] as unknown[] };
          for (const o of ops) {
            const [from, to] =
              o.side === 'client' ? [client, 'server' as const] : [server, 'client' as const];
            if (o.kind === 'text') from.send(o.text);
            else if (o.kind === 'binary') from.send(o.bytes);
            else from.ping(o.bytes.subarray(0, 125));
            expected[to].push(
              o.kind === 'text'
                ? o.text
                : o.kind === 'binary'
                  ? [...o.bytes]
                  : `ping:${[...o.bytes.subarray(0, 125)]}`,
            );
            settle();
          }
          (clientCloses ? client : server).close(1000, 'done');
          settle();
          // The server ends TCP first; its FIN reaches the client, whose FIN then reaches the server.
          client.receiveEof();
          server.receiveEof();
          settle();
          const seen = (list: ProtocolEvent[]) =>
            list.flatMap((e) =>
              e.type === 'message'
                ? [e.binary ? [...e.data] : e.data]
                : e.type === 'ping'
                  ? [`ping:${[...e.data]}`]
                  : [],
            );
          expect(seen(events.server)).toEqual(expected.server);
          expect(seen(events.client)).toEqual(expected.client);
          expect(
            events.client.some((e) => e.type === 'error') || events.server.some((e) => e.type === 'error'),
          ).toBe(false);
          expect(events.client.at(-1)).toMatchObject({ type: 'closed', code: 1000, wasClean: true });
          expect(events.server.at(-1)).toMatchObject({ type: 'closed', code: 1000, wasClean: true });
        },
      ),
      { numRuns: 60 },
    );
  });
});
