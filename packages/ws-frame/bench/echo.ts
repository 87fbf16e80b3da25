/**
 * The real server's echo rate against a `ws` server under the same load (ARCHITECTURE.md, measurements): the same
 * `ws` client drives each server over loopback, keeping WINDOW messages in flight, for 1 KiB and
 * 64 KiB messages. Servers take turns round after round; best round reported, in messages per second.
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { WebSocket as WsClient, WebSocketServer as WsServer } from 'ws';
import { createWebSocketServer } from '../src/adapters/node-net.js';
import { printTable } from './table.js';

const WINDOW = 32;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MIN_MS = Number(process.env.BENCH_MS ?? 250);

/** Echo messages through `url` for at least MIN_MS with WINDOW in flight; returns messages/s. */
async function drive(url: string, size: number): Promise<number> {
  const client = new WsClient(url, { perMessageDeflate: false });
  await once(client, 'open');
  const payload = Buffer.alloc(size, 7);
  let received = 0;
  let sent = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    client.on('message', () => {
      received++;
      if (performance.now() - start < MIN_MS) {
        client.send(payload);
        sent++;
      } else if (received === sent) resolve();
    });
    for (; sent < WINDOW; sent++) client.send(payload);
  });
  const rate = received / ((performance.now() - start) / 1000);
  client.close();
  await once(client, 'close');
  return rate;
}

async function benchEcho(): Promise<string[][]> {
  const ours = await createWebSocketServer({ port: 0 });
  ours.on('connection', (conn) => conn.on('message', (data) => conn.send(data)));
  const theirs = new WsServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  theirs.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await once(theirs, 'listening');
  const urls = {
    ours: `ws://127.0.0.1:${ours.address().port}/`,
    ws: `ws://127.0.0.1:${(theirs.address() as { port: number }).port}/`,
  };
  const rows: string[][] = [['message', 'ours (msg/s)', 'ws (msg/s)', 'ours/ws']];
  for (const size of [1024, 64 * 1024]) {
    let bestOurs = 0;
    let bestWs = 0;
    await drive(urls.ours, size); // warm-up
    await drive(urls.ws, size);
    for (let r = 0; r < ROUNDS; r++) {
      bestOurs = Math.max(bestOurs, await drive(urls.ours, size));
      bestWs = Math.max(bestWs, await drive(urls.ws, size));
    }
    rows.push([
      `${size / 1024} KiB`,
      bestOurs.toFixed(0),
      bestWs.toFixed(0),
      `${(bestOurs / bestWs).toFixed(2)}x`,
    ]);
  }
  await ours.close();
  await new Promise((resolve) => theirs.close(resolve));
  return rows;
}

console.log(
  `\nEcho over loopback, one ws client, ${WINDOW} messages in flight (messages/s, best of ${ROUNDS} rounds)`,
);
printTable(await benchEcho());
