/**
 * `synack serve` in chat mode against members that never read, with its memory measured from outside
 * (a child process's peak resident set): 200 members stop reading and one member broadcasts 40
 * messages of 1 MiB. Each broadcast is encoded once and shared by every member's queue, a global
 * bound on queued bytes drops the members furthest behind first, and every drop is logged.
 * Loopback only; bounded in connections, bytes and time.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { FrameParser, type FrameSink } from '@synack/ws-frame';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFrame, upgradeRequest, waitFor } from './serve-helpers.js';

const MEMBERS = 200;
const BROADCASTS = 40;
const MiB = 1024 * 1024;
/** The target for this attack (the server reached 3.6 GB before). */
const PEAK_LIMIT = 300 * 1000 * 1000;

let child: ChildProcess;
const logs: Array<Record<string, unknown>> = [];
let port = 0;

/**
 * The child's next message that `pick` accepts. A listener stays on until then: IPC messages can arrive
 * in one batch, and `once()` in a loop would miss the ones emitted before it is registered again.
 */
function reply<T>(pick: (message: Record<string, unknown>) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: Record<string, unknown>) => {
      const value = pick(message);
      if (value === undefined) return;
      child.off('message', listener);
      resolve(value);
    };
    child.on('message', listener);
  });
}

async function memory(): Promise<{ peak: number; rss: number }> {
  const answer = reply((m) =>
    typeof m.peak === 'number' ? { peak: m.peak, rss: Number(m.rss) } : undefined,
  );
  child.send('memory');
  return answer;
}

/** Opens a WebSocket at the raw socket level; resolves once the 101 head is in. */
async function member(): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(upgradeRequest());
  let head = '';
  while (!head.includes('\r\n\r\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    head += chunk.toString('latin1');
  }
  if (!head.startsWith('HTTP/1.1 101 ')) throw new Error(`no 101: ${head.slice(0, 30)}`);
  return socket;
}

beforeAll(async () => {
  child = fork(fileURLToPath(new URL('./serve-hostile-child.ts', import.meta.url)), [], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (m: { log?: Record<string, unknown> }) => {
    if (m.log) logs.push(m.log);
  });
  const listening = reply((m) => (typeof m.port === 'number' ? m.port : undefined));
  child.send({ mode: 'chat', pingIntervalMs: 0, idleTimeoutMs: 0 });
  port = await listening;
}, 120_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = once(child, 'exit');
    child.disconnect();
    const stuck = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(stuck);
  }
});

describe('synack serve --mode chat under members that never read', () => {
  it(`${MEMBERS} members that never read and ${BROADCASTS} broadcasts of 1 MiB: peak memory under 300 MB, slowest dropped and logged`, async () => {
    const silent: net.Socket[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      const socket = await member();
      socket.pause(); // never reads again: the kernel's buffers fill, then the server's queue
      silent.push(socket);
    }
    const sender = await member();
    // The sender reads: it counts the broadcasts of its own messages coming back.
    let echoed = 0;
    const sink: FrameSink = {
      onHeader: () => {},
      onPayload: () => {},
      onFrameEnd: (h) => {
        if (h.opcode === 0x1) echoed++;
      },
      onError: (error) => {
        throw error;
      },
    };
    const parser = new FrameParser(sink, { role: 'client', maxPayload: 4 * MiB });
    sender.on('data', (chunk: Buffer) => parser.push(chunk));
    const text = new TextEncoder().encode('x'.repeat(MiB));
    for (let i = 0; i < BROADCASTS; i++) {
      if (!sender.write(clientFrame(0x1, text))) await once(sender, 'drain');
    }
    await waitFor(() => echoed === BROADCASTS, 'every broadcast back at the sender', 120_000);
    const { peak } = await memory();
    const drops = logs.filter((l) => l.event === 'close' && String(l.note ?? '').startsWith('slow reader'));
    for (const socket of [...silent, sender]) socket.destroy();

    expect(peak).toBeLessThan(PEAK_LIMIT);
    // Members that never read were dropped (most of them by the global bound), each with a log line.
    expect(drops.length).toBeGreaterThan(MEMBERS / 2);
    expect(drops.some((l) => String(l.note).includes('slowest dropped first'))).toBe(true);
    expect(drops.every((l) => l.code === 1006 && l.by === 'server')).toBe(true);
  }, 180_000);
});
