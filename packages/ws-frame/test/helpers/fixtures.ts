import { type ProtocolEvent, type RandomSource, WebSocketProtocol } from '../../src/index.js';

/** Deterministic "random" bytes (a tiny LCG) so vectors are stable. */
export function seededRandom(seed = 1): RandomSource {
  let s = seed >>> 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out[i] = s >>> 24;
    }
    return out;
  };
}

export const hex = (text: string): Uint8Array =>
  Uint8Array.from((text.replace(/\s+/g, '').match(/../g) ?? []).map((b) => Number.parseInt(b, 16)));

export const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Per-state fixtures: a connection already OPEN (handshake skipped). */
export function openServer(options: { maxPayload?: number; maxFragments?: number } = {}): WebSocketProtocol {
  const p = new WebSocketProtocol({ role: 'server', handshake: 'skip', ...options });
  p.takeEvents();
  return p;
}

export function openClient(seed = 7): WebSocketProtocol {
  const p = new WebSocketProtocol({ role: 'client', handshake: 'skip', random: seededRandom(seed) });
  p.takeEvents();
  return p;
}

/** Feeds a copy of `data` (the protocol unmasks in place) in pieces of `size` bytes. */
export function recv(p: WebSocketProtocol, data: Uint8Array, size = data.length): ProtocolEvent[] {
  for (let i = 0; i < data.length; i += Math.max(1, size)) p.receive(data.slice(i, i + Math.max(1, size)));
  return p.takeEvents();
}

export function outgoing(p: WebSocketProtocol): Uint8Array {
  return concat(...p.takeOutgoing());
}

/** Events without the per-frame noise, for asserting behaviour. */
export function significant(events: ProtocolEvent[]): ProtocolEvent[] {
  return events.filter((e) => e.type !== 'frame-received' && e.type !== 'frame-sent' && e.type !== 'state');
}

/** A connected client/server pair that pumps bytes until quiet. */
export function connectedPair(seed = 3) {
  const client = new WebSocketProtocol({
    role: 'client',
    handshake: { host: 'example.com', path: '/chat', protocols: ['chat'] },
    random: seededRandom(seed),
  });
  const server = new WebSocketProtocol({
    role: 'server',
    handshake: { selectProtocol: (offered) => offered[0] },
  });
  const log = { client: [] as ProtocolEvent[], server: [] as ProtocolEvent[] };
  const pump = () => {
    for (let round = 0; round < 100; round++) {
      const c = client.takeOutgoing();
      const s = server.takeOutgoing();
      log.client.push(...client.takeEvents());
      log.server.push(...server.takeEvents());
      if (c.length === 0 && s.length === 0) {
        const ends = {
          c: log.client.some((e) => e.type === 'end-transport'),
          s: log.server.some((e) => e.type === 'end-transport'),
        };
        if (ends.s && server.state !== 'CLOSED' && client.state !== 'CLOSED') client.receiveEof();
        else if (ends.c && server.state !== 'CLOSED' && client.state === 'CLOSED') server.receiveEof();
        else return;
        continue;
      }
      for (const b of c) server.receive(b.slice());
      for (const b of s) client.receive(b.slice());
    }
    throw new Error('pump did not settle');
  };
  return { client, server, log, pump };
}
