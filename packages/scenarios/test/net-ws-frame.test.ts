/**
 * ws-frame's node:net adapter over simulated TCP (@synack/tcp-sim/net): the two packages never import
 * each other, and this package may import both. The adapter's WebSocketServer takes the simulated
 * Server and its WebSocketConnection the simulated Socket, unmodified; RFC 6455 5.4 (fragments and
 * messages in order) over a link that loses and reorders segments, then the closing handshake (7.1.2).
 */
import type net from 'node:net';
import { runSimulatedNetwork } from '@synack/tcp-sim/net';
import { defaultRandom, WebSocketProtocol } from '@synack/ws-frame';
import { WebSocketConnection, WebSocketServer } from '@synack/ws-frame/node';
import { describe, expect, it } from 'vitest';

describe('ws-frame node adapter over @synack/tcp-sim/net', () => {
  it('RFC 6455 5.4 + 7.1.2: 200 messages echo in order over 10 % loss and reordering, then a clean close', async () => {
    const result = await runSimulatedNetwork(
      { seed: 11, link: { delay: 10, jitter: 3, loss: 0.1, reorder: 0.1 }, artifacts: false },
      async (n) => {
        const server = n.server.createServer({ allowHalfOpen: true });
        const wss = new WebSocketServer(server as unknown as net.Server, {});
        wss.on('connection', (c) => c.on('message', (data) => c.send(data)));
        await new Promise<void>((resolve) => server.listen(80, resolve));

        const socket = n.client.connect({ port: 80, host: 'server', allowHalfOpen: true });
        const core = new WebSocketProtocol({
          role: 'client',
          random: defaultRandom,
          handshake: { host: 'server', path: '/' },
        });
        const client = new WebSocketConnection(socket as unknown as net.Socket, core, null);
        const received: Array<string | Uint8Array> = [];
        const closed = new Promise<[number, boolean]>((resolve) =>
          client.on('close', (code, _reason, wasClean) => resolve([code, wasClean])),
        );
        const opened = new Promise<void>((resolve) => client.once('open', () => resolve()));
        client.on('message', (data) => received.push(data));
        client.flush();
        await opened;
        const sent = Array.from({ length: 200 }, (_, i) =>
          i % 2 ? `text ${i} ${'é'.repeat(i)}` : new Uint8Array(i * 13).fill(i),
        );
        for (const m of sent) client.send(m);
        while (received.length < sent.length) await n.sleep(100);
        client.close(1000, 'done');
        const [code, wasClean] = await closed;
        return {
          sent,
          received,
          code,
          wasClean,
          lost: n.simulation.trace.events.filter((e) => e.type === 'segment.dropped').length,
        };
      },
    );
    expect(result.received).toEqual(result.sent);
    expect(result.code).toBe(1000);
    expect(result.wasClean).toBe(true);
    expect(result.lost).toBeGreaterThan(0);
  });
});
