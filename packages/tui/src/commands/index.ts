// The `serve` and `connect` subcommands, in the shape of the CLI's command table.
export type { CommandIo, LiveCommand, ParsedArgs, SignalSource } from './command.js';
export { connectCommand } from './connect.js';
export { parseServeOptions, serveCommand } from './serve.js';
