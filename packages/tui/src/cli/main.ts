/**
 * `synack [COMMAND] [ARGS]`: picks the command from the table, parses its options with util.parseArgs,
 * and turns the two kinds of user mistake into messages without stack traces: a usage error prints the
 * command's usage (exit 2); a bad scenario file prints `file:line:col: message` per mistake (exit 2).
 */
import { parseArgs } from 'node:util';
import { ScenarioErrors } from '@synack/scenarios';
import { COMMANDS, type Command } from './commands.js';
import { type CliIo, UsageError } from './io.js';

export function globalUsage(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `synack: watch, script and test a WebSocket on the wire

Usage: synack [COMMAND] [ARGS] [--help]
       synack            the terminal UI on the default scenario (blog-chat)

Commands:
${lines.join('\n')}

Every command takes --help. Colour is off when NO_COLOR is set or stdout is not a terminal.
`;
}

function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  const [first, ...rest] = argv;
  const named = COMMANDS.find((c) => c.name === first);
  if (named !== undefined) return { command: named, rest };
  // No command word: `synack`, `synack --seed 3`: the UI on the default scenario.
  if (first === undefined || first.startsWith('-')) {
    const play = COMMANDS.find((c) => c.name === 'play');
    return play === undefined ? undefined : { command: play, rest: [...argv] };
  }
  return undefined;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === 'help' || (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h'))) {
    io.stdout.write(globalUsage());
    return 0;
  }
  const found = findCommand(argv);
  if (found === undefined) {
    io.stderr.write(`synack: unknown command '${argv[0]}'\n\n${globalUsage()}`);
    return 2;
  }
  const { command, rest } = found;
  try {
    const parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    if (parsed.values.help === true) {
      io.stdout.write(`${command.usage}\n`);
      return 0;
    }
    return await command.run(parsed, io);
  } catch (error) {
    if (error instanceof ScenarioErrors) {
      for (const e of error.errors) io.stderr.write(`${e.format()}\n`);
      return 2;
    }
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr.write(`synack ${command.name}: ${(error as Error).message}\n\nUsage: ${command.usage}\n`);
      return 2;
    }
    throw error;
  }
}

/** util.parseArgs reports unknown options and missing values as TypeErrors with ERR_PARSE_ARGS_* codes. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
