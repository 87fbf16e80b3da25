/**
 * `synack drill [--profile freebsd|linux|rfc] [--json] FILE.pkt|DIR...`: runs packetdrill scripts
 * against the simulator, one line per script, then `N passed, N failed, N unsupported`; exit 1 if
 * any failed. Also the `.pkt` branches of `synack play` and `synack export`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  type DrillFileResult,
  type DrillProfile,
  formatOutcome,
  runDrillSource,
  summarize,
} from '@synack/drill';
import type { ExportFormat } from '@synack/scenarios';
import { DrillSession, exportDrill } from '../drill/session.js';
import type { Lang } from '../narration/index.js';
import type { Command, Parsed } from './commands.js';
import { type CliIo, colorEnabled, UsageError, UserError } from './io.js';
import { HELP_OPTION, JSON_OPTION, parseSeed, SEED_OPTION } from './options.js';

const PROFILES: readonly DrillProfile[] = ['freebsd', 'linux', 'rfc'];

export const PROFILE_OPTION = { profile: { type: 'string' } } as const;

export function parseDrillProfile(value: string | undefined): DrillProfile {
  if (value === undefined) return 'linux';
  if (!(PROFILES as readonly string[]).includes(value))
    throw new UsageError(`--profile wants ${PROFILES.join(', ')}, not '${value}'`);
  return value as DrillProfile;
}

/** Every .pkt file named, or found (sorted) under a directory named. */
export function collectScripts(paths: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs).sort()) {
      const p = join(abs, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.pkt')) out.push(p);
    }
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new UserError(`no such file or directory: ${p}`);
    }
    if (isDir) walk(abs);
    else out.push(abs);
  }
  return out;
}

export function runDrillFile(path: string, profile: DrillProfile, seed?: number): DrillFileResult {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read '${path}': ${code ?? (error as Error).message}`);
  }
  return runDrillSource(path, source, { profile, ...(seed === undefined ? {} : { seed }) });
}

const str = (v: Parsed['values'][string]): string | undefined => (typeof v === 'string' ? v : undefined);

function jsonOf(r: DrillFileResult, file: string): Record<string, unknown> {
  return { file, ...r.outcome };
}

/** `synack play FILE.pkt`: the TUI on the script's run (non-TTY: its text ladder). */
export async function playDrill(
  path: string,
  options: { profile: DrillProfile; seed: number | undefined; lang: Lang; paused: boolean },
  io: CliIo,
): Promise<number> {
  const abs = resolve(io.cwd, path);
  const open = () => {
    const r = runDrillFile(abs, options.profile, options.seed);
    if (!r.run) throw new UsageError(formatOutcome(path, r.outcome));
    return new DrillSession({ ...r, run: r.run });
  };
  const session = open();
  if (io.stdout.isTTY !== true) {
    io.stdout.write(exportDrill(session.result.run, 'text', { width: io.stdout.columns ?? 100 }) as string);
    io.stdout.write(`${formatOutcome(path, session.result.outcome)}\n`);
    return 0;
  }
  const { playInteractive } = await import('./interactive.js');
  return playInteractive({
    name: path,
    seed: options.seed,
    lang: options.lang,
    paused: options.paused,
    cwd: io.cwd,
    source: { title: `packetdrill (${options.profile})`, open },
  });
}

/** `synack export FILE.pkt --format pcap|jsonl|mermaid|text`. */
export function exportDrillFile(
  path: string,
  format: ExportFormat,
  options: { profile: DrillProfile; seed: number | undefined; width?: number },
  io: CliIo,
): Uint8Array | string {
  const r = runDrillFile(resolve(io.cwd, path), options.profile, options.seed);
  if (!r.run) throw new UsageError(formatOutcome(path, r.outcome));
  return exportDrill(r.run, format, options.width === undefined ? {} : { width: options.width });
}

export const drillCommand: Command = {
  name: 'drill',
  summary: 'run packetdrill scripts against the simulator; exit 1 on failure',
  usage: `synack drill [--profile freebsd|linux|rfc] [--json] [--seed N] FILE.pkt|DIR...

Runs each packetdrill script (a directory: every .pkt under it) against one simulated TCP endpoint in
virtual time and prints one line per script: pass, fail (the first line that differed, expected vs
actual, as packetdrill prints it) or unsupported (the construct the simulator does not model).
Ends with "N passed, N failed, N unsupported". Exit status 1 if any script failed.
--profile picks the stack the scripts were written for (default linux).`,
  options: { ...PROFILE_OPTION, ...JSON_OPTION, ...SEED_OPTION, ...HELP_OPTION },
  async run(args: Parsed, io: CliIo) {
    if (args.positionals.length === 0)
      throw new UsageError('drill needs at least one .pkt file or directory');
    const profile = parseDrillProfile(str(args.values.profile));
    const seed = parseSeed(str(args.values.seed));
    const files = collectScripts(args.positionals, io.cwd);
    const color = colorEnabled(io);
    const paint = (code: number, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
    const results: DrillFileResult[] = [];
    const shown = (f: string) => relative(io.cwd, f) || f;
    for (const f of files) {
      const r = runDrillFile(f, profile, seed);
      results.push(r);
      if (args.values.json === true) continue;
      const o = r.outcome;
      if (o.status === 'pass') io.stdout.write(`${paint(32, 'PASS')} ${shown(f)}\n`);
      else if (o.status === 'unsupported')
        io.stdout.write(
          `${paint(33, 'UNSUPPORTED')} ${shown(f)}${o.line !== undefined ? `:${o.line}` : ''}: ${o.construct}\n`,
        );
      // The failure as packetdrill prints it, the two packets indented under it.
      else io.stdout.write(`${paint(31, 'FAIL')} ${formatOutcome(shown(f), o).split('\n').join('\n    ')}\n`);
    }
    const s = summarize(results);
    if (args.values.json === true) {
      io.stdout.write(
        `${JSON.stringify({ profile, results: results.map((r) => jsonOf(r, shown(r.file))), summary: s }, null, 2)}\n`,
      );
    } else {
      io.stdout.write(`${s.passed} passed, ${s.failed} failed, ${s.unsupported} unsupported\n`);
    }
    return s.failed > 0 ? 1 : 0;
  },
};
