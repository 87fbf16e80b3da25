/**
 * The server side of echo-throughput.ts, run in its own process so the load generator does not share
 * its event loop: `echo-server.ts synack|ws` listens on an ephemeral loopback port, sends the port to
 * its parent, echoes every message, reports its CPU time when asked, and exits when the parent
 * disconnects.
 */
import { WebSocketServer as WsServer } from 'ws';
import { startServer } from '../src/serve/index.js';

const kind = process.argv[2];
if (kind === 'synack') {
  const handle = await startServer({ host: '127.0.0.1', port: 0, mode: 'echo' });
  process.send?.({ port: handle.port });
} else if (kind === 'ws') {
  const server = new WsServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  server.on('listening', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address !== null ? address.port : 0 });
  });
} else {
  throw new Error(`echo-server.ts synack|ws, not ${kind}`);
}
// CPU time used so far (user + system, microseconds): the parent divides it by the messages echoed.
process.on('message', (request) => {
  if (request === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpu: user + system });
  }
});
process.on('disconnect', () => process.exit(0));
