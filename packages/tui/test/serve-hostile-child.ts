/**
 * `synack serve` in a process of its own, for tests that measure the server's memory from outside:
 * starts the server on an ephemeral loopback port with the options it is sent, reports the port,
 * forwards every log entry, and answers 'memory' with its peak and current resident set (Linux
 * /proc/self/status VmHWM and VmRSS, in bytes). Exits when the parent disconnects.
 */
import { readFileSync } from 'node:fs';
import { type ServeOptions, startServer } from '../src/serve/index.js';

const statusBytes = (field: string): number => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
};

process.once('message', async (options: ServeOptions) => {
  const handle = await startServer({
    ...options,
    host: '127.0.0.1',
    port: 0,
    log: (entry) => process.send?.({ log: entry }),
  });
  process.send?.({ port: handle.port });
  process.on('message', (request) => {
    if (request === 'memory') process.send?.({ peak: statusBytes('VmHWM'), rss: statusBytes('VmRSS') });
  });
});
process.on('disconnect', () => process.exit(0));
