/**
 * `synack connect URL`: runs the line-oriented client on stdin/stdout. Exit 0 after a clean close,
 * 1 when the connection failed or closed abnormally; a bad URL is a usage error (exit 2).
 */
import { parseWebSocketUrl } from '@synack/ws-frame';
import { UsageError } from '../cli/io.js';
import { runClient } from '../connect/index.js';
import type { LiveCommand } from './command.js';

const USAGE = `synack connect ws://HOST:PORT/PATH [--protocol P]... [--json]

A line-oriented WebSocket client: each line read from stdin is sent as a text message; messages,
pings and the close code from the server are printed. Ctrl-D (end of input) or Ctrl-C closes with 1000.

  --protocol P          offer subprotocol P (Sec-WebSocket-Protocol); repeat to offer several
  --json                print one JSON object per event`;

export const connectCommand: LiveCommand = {
  name: 'connect',
  summary: 'a line-oriented WebSocket client (stdin lines out; messages and close code in)',
  usage: USAGE,
  options: {
    protocol: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  async run(args, io) {
    const [url, ...extra] = args.positionals;
    if (url === undefined) throw new UsageError('connect needs a ws:// URL');
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    let scheme: string;
    try {
      scheme = parseWebSocketUrl(url).protocol;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (scheme !== 'ws:') throw new UsageError('only ws:// URLs are supported (no TLS here)');
    const protocols = (args.values.protocol ?? []) as string[];
    const signals = io.signals ?? process;
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    signals.on('SIGINT', onSignal);
    signals.on('SIGTERM', onSignal);
    try {
      const outcome = await runClient(
        { url, protocols, json: args.values.json === true, stop: stop.signal },
        { input: io.stdin ?? process.stdin, output: io.stdout, errors: io.stderr },
      );
      return outcome.wasClean ? 0 : 1;
    } finally {
      signals.off('SIGINT', onSignal);
      signals.off('SIGTERM', onSignal);
    }
  },
};
