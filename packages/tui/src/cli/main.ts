/**
 * `synack [COMMAND] [ARGS]`: picks the command from the table, parses its options, and maps every way a
 * run can end to an exit status (README, "Exit status"):
 *   0  done; every expectation held
 *   1  a scenario ran and an expectation failed
 *   2  a mistake of the user's: a usage error (printed with the command's usage), a bad scenario file
 *      (`file:line:col: message` per mistake), a path that cannot be read or written
 *   3  an internal error: one line and a hint, no stack trace (SYNACK_DEBUG=1 prints it)
 */
import { didYouMean, ScenarioErrors } from '@synack/scenarios';
import { parseCommandArgs } from './args.js';
import { COMMANDS, type Command } from './commands.js';
import { type CliIo, UsageError, UserError } from './io.js';
import { version } from './version.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

export function globalUsage(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `synack: watch, script and test a WebSocket on the wire

Usage: synack [COMMAND] [ARGS] [--help]
       synack            the terminal UI on the default scenario (blog-chat)
       synack --version  the version

Commands:
${lines.join('\n')}

Every command takes --help. Colour is off when NO_COLOR is set, TERM is dumb or stdout is not a terminal.
Exit status: 0 passed, 1 an expectation failed, 2 a usage or scenario mistake, 3 an internal error.
`;
}

function findCommand(
  argv: readonly string[],
  commands: readonly Command[],
): { command: Command; rest: string[] } | undefined {
  const [first, ...rest] = argv;
  const named = commands.find((c) => c.name === first);
  if (named !== undefined) return { command: named, rest };
  // No command word: `synack`, `synack --seed 3`: the UI on the default scenario.
  if (first === undefined || first.startsWith('-')) {
    const play = commands.find((c) => c.name === 'play');
    return play === undefined ? undefined : { command: play, rest: [...argv] };
  }
  return undefined;
}

export async function main(
  argv: readonly string[],
  io: CliIo,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  if (argv[0] === 'help' || (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h'))) {
    io.stdout.write(globalUsage(commands));
    return EXIT.ok;
  }
  if (argv.length === 1 && argv[0] === '--version') {
    io.stdout.write(`synack ${version()}\n`);
    return EXIT.ok;
  }
  const found = findCommand(argv, commands);
  if (found === undefined) {
    const suggestion = didYouMean(
      argv[0] ?? '',
      commands.map((c) => c.name),
    );
    const hint = suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
    io.stderr.write(`synack: unknown command '${argv[0]}'${hint}\n\n${globalUsage(commands)}`);
    return EXIT.usage;
  }
  const { command, rest } = found;
  try {
    const parsed = parseCommandArgs(rest, command.options);
    if (parsed.values.help === true) {
      io.stdout.write(`${command.usage}\n`);
      return EXIT.ok;
    }
    const max = command.maxPositionals;
    if (max !== undefined && parsed.positionals.length > max) {
      throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`);
    }
    return await command.run(parsed, io);
  } catch (error) {
    if (error instanceof ScenarioErrors) {
      for (const e of error.errors) io.stderr.write(`${e.format()}\n`);
      return EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`synack ${command.name}: ${error.message}\n\nUsage: ${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof UserError) {
      io.stderr.write(`synack ${command.name}: ${error.message}\n`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `synack ${command.name}: internal error: ${message.split('\n')[0]}\n` +
        'This is a bug in synack, not in what you asked; run again with SYNACK_DEBUG=1 for the stack trace to report.\n',
    );
    if (io.env.SYNACK_DEBUG !== undefined && error instanceof Error && error.stack !== undefined) {
      io.stderr.write(`${error.stack}\n`);
    }
    return EXIT.internal;
  }
}
