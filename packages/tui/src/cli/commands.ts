/**
 * The command table. Each command is one entry: its name, one-line summary, usage text, the options
 * `util.parseArgs` should accept, and what it does. Adding a command (`serve`, `connect`) is adding one
 * entry here; `main` handles --help, usage errors and scenario errors for all of them alike.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import {
  createSession,
  DEFAULT_SCENARIO,
  EXPORT_FORMATS,
  type ExportFormat,
  exportRun,
  formatReport,
  listScenarios,
  profileView,
  profileYaml,
  reportJson,
  runScenario,
} from '@synack/scenarios';
import { loadScenario as loadFromDisk } from '@synack/scenarios/node';
import { connectCommand, serveCommand } from '../commands/index.js';
import { type CliIo, colorEnabled, UsageError, UserError } from './io.js';
import { HELP_OPTION, JSON_OPTION, LANG_OPTION, parseLang, parseSeed, SEED_OPTION } from './options.js';
import { exportRecorded, isRecordedRun, loadRecordedRun } from './recorded.js';

export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** At most this many positional arguments; more are a usage error (commands without it check their own). */
  readonly maxPositionals?: number;
  run(args: Parsed, io: CliIo): Promise<number>;
}

/** A built-in name, or a scenario file with its path taken from the user's folder (`io.cwd`). */
function loadScenario(nameOrPath: string, io: CliIo) {
  return loadFromDisk(nameOrPath, { cwd: io.cwd });
}

/** Writes `-o FILE` (relative to the user's folder); a folder that is missing or a directory given is exit 2. */
function writeOutput(io: CliIo, file: string, data: string | Uint8Array): void {
  try {
    writeFileSync(resolve(io.cwd, file), data);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (code ?? (error as Error).message);
    throw new UserError(`cannot write '${file}': ${why}`);
  }
}

const str = (v: Parsed['values'][string]): string | undefined => (typeof v === 'string' ? v : undefined);

const play: Command = {
  name: 'play',
  summary: 'the terminal UI on a scenario (default: blog-chat)',
  usage: `synack play [NAME|FILE|RUN.trace.jsonl] [--seed N] [--lang en|zh] [--paused]

Opens the terminal UI on a built-in scenario or a scenario file. When stdout is not a terminal, prints
the text ladder of the whole run instead and exits 0. Press ? in the UI for every key. A recorded run
(the .trace.jsonl a failing withSimulatedNetwork test writes) is printed as its text ladder.`,
  options: { ...SEED_OPTION, ...LANG_OPTION, ...HELP_OPTION, paused: { type: 'boolean' } },
  maxPositionals: 1,
  async run(args, io) {
    const name = args.positionals[0] ?? DEFAULT_SCENARIO;
    const seed = parseSeed(str(args.values.seed));
    const lang = parseLang(str(args.values.lang), io);
    if (isRecordedRun(name)) {
      // A recorded run (a failing simulated-network test's trace) is shown as it happened: its ladder.
      const recorded = loadRecordedRun(name, io.cwd);
      io.stdout.write(exportRecorded(recorded, 'text', { width: io.stdout.columns ?? 100, lang }));
      return 0;
    }
    const scenario = loadScenario(name, io);
    if (io.stdout.isTTY !== true) {
      const session = createSession(scenario, seed === undefined ? {} : { seed });
      io.stdout.write(session.ladder({ width: io.stdout.columns ?? 100, lang }));
      return 0;
    }
    // Ink is loaded only for the interactive UI, after cli.tsx has applied NO_COLOR.
    const { playInteractive } = await import('./interactive.js');
    return playInteractive({ name, seed, lang, paused: args.values.paused === true, cwd: io.cwd });
  },
};

const list: Command = {
  name: 'list',
  summary: 'built-in scenarios with one-line descriptions',
  usage: 'synack list [--json]',
  options: { ...JSON_OPTION, ...HELP_OPTION },
  maxPositionals: 0,
  async run(args, io) {
    const all = listScenarios().map(({ name, title, description }) => ({ name, title, description }));
    if (args.values.json === true) {
      io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      return 0;
    }
    const width = Math.max(...all.map((s) => s.name.length));
    for (const s of all) io.stdout.write(`${s.name.padEnd(width)}  ${s.title}\n`);
    return 0;
  },
};

const run: Command = {
  name: 'run',
  summary: 'run scenarios headless, check their expectations; exit 1 on failure',
  usage: `synack run NAME|FILE... [--seed N] [--json]

Runs each scenario to the end, checks its expectations and prints a report (each expectation with
the file:line:col it was written at). Exit status 1 if any expectation fails.`,
  options: { ...SEED_OPTION, ...JSON_OPTION, ...HELP_OPTION },
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('run needs at least one scenario name or file');
    const seed = parseSeed(str(args.values.seed));
    const scenarios = args.positionals.map((p) => loadScenario(p, io));
    const runs = scenarios.map((s) => runScenario(s, seed === undefined ? {} : { seed }));
    if (args.values.json === true) {
      io.stdout.write(`${JSON.stringify(runs.map(reportJson), null, 2)}\n`);
    } else {
      for (const r of runs) io.stdout.write(formatReport(r, { color: colorEnabled(io) }));
    }
    return runs.every((r) => r.passed) ? 0 : 1;
  },
};

const exportCommand: Command = {
  name: 'export',
  summary: 'write a run as pcap, JSON Lines, Mermaid or a text ladder',
  usage: `synack export NAME|FILE|RUN.trace.jsonl --format pcap|jsonl|mermaid|text [-o FILE] [--seed N] [--width N] [--lang en|zh]

Writes one run of the scenario, or a recorded run (RUN.trace.jsonl from a failing withSimulatedNetwork
test; its pcap is the RUN.pcap written beside it). pcap opens in Wireshark (real IPv4/TCP bytes, virtual timestamps);
it is binary, so it needs -o FILE or a redirected stdout. --lang sets the words of the text ladder
(default: from the locale).`,
  options: {
    ...SEED_OPTION,
    ...LANG_OPTION,
    ...HELP_OPTION,
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    width: { type: 'string' },
  },
  maxPositionals: 1,
  async run(args, io) {
    const target = args.positionals[0];
    if (target === undefined) throw new UsageError('export needs a scenario name or file');
    const format = str(args.values.format);
    if (!isExportFormat(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
    const seed = parseSeed(str(args.values.seed));
    const width = str(args.values.width);
    if (width !== undefined && !/^\d+$/.test(width))
      throw new UsageError(`--width wants a number, not '${width}'`);
    const out = str(args.values.output);
    if (format === 'pcap' && out === undefined && io.stdout.isTTY === true) {
      throw new UsageError('pcap is binary: give -o FILE or redirect stdout');
    }
    const lang = parseLang(str(args.values.lang), io);
    const options = { ...(width === undefined ? {} : { width: Number(width) }), lang };
    const data = isRecordedRun(target)
      ? exportRecorded(loadRecordedRun(target, io.cwd), format, options)
      : exportRun(runScenario(loadScenario(target, io), seed === undefined ? {} : { seed }), format, options);
    if (out === undefined) io.stdout.write(data);
    else writeOutput(io, out, data);
    return 0;
  },
};

const profileCommand: Command = {
  name: 'profile',
  summary: "a TCP profile's every number, in the scenario language",
  usage: `synack profile [rfc|linux|NAME|FILE] [--json]

Prints the TCP profile (timers, windows, RFC-vs-Linux choices) as a \`profile:\` block of the scenario
language: the named base profile (default rfc), or the one a scenario runs with, its own overrides
marked. Paste it into a scenario and change what you need. --json prints { base, overridden, values }
(times in ms). A scenario file named rfc or linux: give its path (./rfc).`,
  options: { ...JSON_OPTION, ...HELP_OPTION },
  maxPositionals: 1,
  async run(args, io) {
    const target = args.positionals[0] ?? 'rfc';
    const view =
      target === 'rfc' || target === 'linux'
        ? profileView(target)
        : profileView(loadScenario(target, io).profile);
    io.stdout.write(args.values.json === true ? `${JSON.stringify(view, null, 2)}\n` : profileYaml(view));
    return 0;
  },
};

function isExportFormat(v: string | undefined): v is ExportFormat {
  return (EXPORT_FORMATS as readonly (string | undefined)[]).includes(v);
}

/** Every command, in the order `synack --help` lists them. */
export const COMMANDS: readonly Command[] = [
  play,
  list,
  run,
  exportCommand,
  profileCommand,
  serveCommand,
  connectCommand,
];
