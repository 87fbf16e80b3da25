// The README's "test your WebSocket client's reconnect logic against a flaky network in 20 lines",
// verbatim between the markers (readme.test.ts checks the README block is exactly this text).
// README-BEGIN
import http from 'node:http';
import { withSimulatedNetwork } from '@synack/tcp-sim/vitest';
import { expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';

// The client under test: a heartbeat every 5 s, and reconnection with exponential backoff.
function keepConnected(url: string, options: WebSocket.ClientOptions, onOpen: () => void, attempt = 0): void {
  const ws = new WebSocket(url, { handshakeTimeout: 2000, ...options });
  let alive = true;
  const heartbeat = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, 5000);
  ws.on('open', onOpen)
    .on('pong', () => (alive = true))
    .on('error', () => {});
  ws.on('close', () => {
    clearInterval(heartbeat);
    setTimeout(() => keepConnected(url, options, onOpen, attempt + 1), 250 * 2 ** Math.min(attempt, 5));
  });
}

it('reconnects with backoff after a 30 s partition', () =>
  withSimulatedNetwork({ seed: 1, link: { delay: 20, loss: 0.05 } }, async (net) => {
    const app = http.createServer();
    new WebSocketServer({ server: app });
    net.server.createServer((socket) => app.emit('connection', socket)).listen(80);
    const opened: number[] = [];
    keepConnected('ws://server', { createConnection: net.client.createConnection }, () =>
      opened.push(Date.now()),
    );
    await net.sleep(10_000);
    net.partition(); // the network fails for 30 s of virtual time
    await net.sleep(30_000);
    net.heal();
    await net.sleep(20_000);
    expect(opened.length).toBe(2); // connected at first, and once more after the partition healed
  }));
// README-END
