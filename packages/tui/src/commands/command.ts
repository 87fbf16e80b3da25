/**
 * The shape of the `serve` and `connect` subcommands, made to drop into the CLI's command table
 * (cli/commands.ts): `main` parses argv with `options` (util.parseArgs), answers `--help` with `usage`,
 * and turns a thrown `UsageError` into the usage text and exit code 2. `run` resolves to the exit code.
 * These two commands also read stdin and wait for signals: `io` may carry them (tests pass their own);
 * the process's are used otherwise.
 */
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../cli/io.js';

export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export interface CommandIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  readonly stdin?: NodeJS.ReadableStream;
  readonly signals?: SignalSource;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

export interface LiveCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(args: ParsedArgs, io: CommandIo): Promise<number>;
}

/** A whole number in [min, max] from a flag's text; a UsageError naming the flag otherwise. */
export function parseWholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new UsageError(`--${flag} wants a whole number from ${min} to ${max}, not '${text}'`);
  return value;
}

/** Resolves with the name of the first SIGINT or SIGTERM, removing both listeners. */
export function nextSignal(signals: SignalSource): Promise<'SIGINT' | 'SIGTERM'> {
  return new Promise((resolve) => {
    const onInt = () => finish('SIGINT');
    const onTerm = () => finish('SIGTERM');
    const finish = (name: 'SIGINT' | 'SIGTERM') => {
      signals.off('SIGINT', onInt);
      signals.off('SIGTERM', onTerm);
      resolve(name);
    };
    signals.on('SIGINT', onInt);
    signals.on('SIGTERM', onTerm);
  });
}
