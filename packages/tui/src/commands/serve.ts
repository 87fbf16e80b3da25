/**
 * `synack serve`: starts the server, prints one log line per event (JSON Lines with `--json`), and on
 * SIGINT or SIGTERM closes every client with 1001 and exits 0. Exit 1 when it cannot listen.
 */
import { UsageError } from '../cli/io.js';
import {
  formatJsonLine,
  formatTextLine,
  SERVE_MODES,
  type ServeHandle,
  type ServeMode,
  type ServeOptions,
  startServer,
} from '../serve/index.js';
import { type LiveCommand, nextSignal, type ParsedArgs, parseWholeNumber } from './command.js';

const USAGE = `synack serve [--host H] [--port P] [--mode echo|chat] [--max-payload N] [--no-deflate] [--json]

A real WebSocket server (RFC 6455). Open its address in a browser for the blog's client page.
Ctrl-C / SIGTERM stops it, closing every connection with 1001.

  --host H              address to listen on (default 127.0.0.1)
  --port P              port (default 17122; 0 picks a free one)
  --mode echo|chat      echo every message back, or the blog's chat (default echo)
  --max-payload N       largest message in bytes; larger ones close with 1009 (default 16777216)
  --max-handshake N     largest HTTP request head in bytes; larger ones get 431 (default 16384)
  --ping-interval S     heartbeat ping every S seconds; no answer by the next one drops the peer
                        (default 30; 0 = off)
  --idle-timeout S      close with 1001 after S seconds without a message (default 600; 0 = off)
  --no-deflate          refuse permessage-deflate (RFC 7692; accepted by default)
  --json                log JSON Lines instead of text`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  mode: { type: 'string' },
  'max-payload': { type: 'string' },
  'max-handshake': { type: 'string' },
  'ping-interval': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'no-deflate': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const serveCommand: LiveCommand = {
  name: 'serve',
  summary: 'a real WebSocket server (echo or the blog chat) with a browser page at /',
  usage: USAGE,
  options: OPTIONS,
  async run(args, io) {
    const options = parseServeOptions(args);
    const format = args.values.json === true ? formatJsonLine : formatTextLine;
    let handle: ServeHandle;
    try {
      handle = await startServer({ ...options, log: (entry) => io.stdout.write(`${format(entry)}\n`) });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      io.stderr.write(
        `synack serve: cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 17122}: ${code}\n`,
      );
      return 1;
    }
    await handle.stop(await nextSignal(io.signals ?? process));
    return 0;
  },
};

/** Flags to server options; a UsageError for a bad value. */
export function parseServeOptions(args: ParsedArgs): ServeOptions {
  const { values, positionals } = args;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const text = (flag: string): string | undefined => {
    const v = values[flag];
    return typeof v === 'string' ? v : undefined;
  };
  const options: ServeOptions = {};
  if (values['no-deflate'] === true) options.perMessageDeflate = false;
  const host = text('host');
  if (host !== undefined) options.host = host;
  const mode = text('mode');
  if (mode !== undefined) {
    if (!SERVE_MODES.includes(mode as ServeMode))
      throw new UsageError(`--mode wants ${SERVE_MODES.join(' or ')}, not '${mode}'`);
    options.mode = mode as ServeMode;
  }
  const numbers: Array<[string, number, number, (n: number) => void]> = [
    ['port', 0, 65535, (n) => (options.port = n)],
    ['max-payload', 1, 2 ** 31, (n) => (options.maxPayload = n)],
    ['max-handshake', 256, 1024 * 1024, (n) => (options.maxHandshakeBytes = n)],
    ['ping-interval', 0, 86_400, (n) => (options.pingIntervalMs = n * 1000)],
    ['idle-timeout', 0, 86_400, (n) => (options.idleTimeoutMs = n * 1000)],
  ];
  for (const [flag, min, max, set] of numbers) {
    const value = text(flag);
    if (value !== undefined) set(parseWholeNumber(flag, value, min, max));
  }
  return options;
}
