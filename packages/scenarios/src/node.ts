/**
 * `@synack/scenarios/node`: what needs Node's file system. `loadScenario` here takes a built-in name or
 * a path to a scenario file (relative paths from `cwd`, by default the process's); the main entry knows
 * only the built-in names, so it runs in a browser or a bundler.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ScenarioError, ScenarioErrors } from './language/errors.js';
import { parseScenario } from './language/parse.js';
import { decodeScenario, MAX_SCENARIO_BYTES, tooLarge } from './language/source.js';
import type { Scenario } from './language/types.js';
import { builtInScenario, notFound } from './library/built-in.js';

export { MAX_SCENARIO_BYTES } from './language/source.js';

export interface LoadOptions {
  /** The folder relative paths start from (default `process.cwd()`); a CLI passes the user's. */
  readonly cwd?: string;
}

/**
 * A scenario file (its path as given is what errors name), or a built-in name (`lost-syn`) when no such
 * file exists. Throws `ScenarioErrors`, never anything else: every mistake of a bad file with
 * file:line:col; a directory, an unreadable file, a file over 1 MiB or not UTF-8 as one error.
 */
export function loadScenario(nameOrPath: string, options: LoadOptions = {}): Scenario {
  const path = resolve(options.cwd ?? process.cwd(), nameOrPath);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) {
    const builtIn = looksLikePath(nameOrPath) ? undefined : builtInScenario(nameOrPath);
    if (builtIn !== undefined) return builtIn;
    throw notFound(nameOrPath, 'is neither a built-in scenario nor a file');
  }
  if (stat.isDirectory()) {
    throw single(nameOrPath, `'${nameOrPath}' is a directory; give a scenario file or a built-in name`);
  }
  if (stat.size > MAX_SCENARIO_BYTES) throw tooLarge(stat.size, nameOrPath);
  return parseScenario(decodeScenario(readScenarioBytes(path, nameOrPath), nameOrPath), nameOrPath);
}

/** Reads and checks a scenario file's text: at most 1 MiB, UTF-8; throws `ScenarioErrors`. */
export function readScenarioFile(path: string): string {
  return decodeScenario(readScenarioBytes(path, path), path);
}

function readScenarioBytes(path: string, shown: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw single(shown, `cannot read '${shown}': ${code}`);
  }
}

function looksLikePath(text: string): boolean {
  return text.includes('/') || text.includes('\\') || /\.ya?ml$/.test(text);
}

function single(file: string, message: string): ScenarioErrors {
  return new ScenarioErrors([new ScenarioError('SCENARIO_NOT_FOUND', message, { file, line: 1, column: 1 })]);
}
