/**
 * The built-in scenario library (the YAML files in `library/`) and the loader that takes either a
 * built-in name or a path to a file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean } from './language/did-you-mean.js';
import { ScenarioError, ScenarioErrors } from './language/errors.js';
import { parseScenario } from './language/parse.js';
import type { Scenario } from './language/types.js';

export const DEFAULT_SCENARIO = 'blog-chat';

const LIBRARY_DIR = fileURLToPath(new URL('../library/', import.meta.url));

export interface ScenarioSummary {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly file: string;
}

function libraryFiles(): string[] {
  return readdirSync(LIBRARY_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

/** Every built-in scenario, in name order. */
export function listScenarios(): ScenarioSummary[] {
  return libraryFiles().map((file) => {
    const scenario = parseScenario(readFileSync(join(LIBRARY_DIR, file), 'utf8'), `library/${file}`);
    return {
      name: scenario.name,
      title: scenario.title,
      description: scenario.description,
      file: join(LIBRARY_DIR, file),
    };
  });
}

/**
 * A built-in name (`lost-syn`) or a path to a scenario file. Throws `ScenarioErrors`: for a bad file,
 * every mistake with file:line:col; for an unknown name, the nearest built-in name.
 */
export function loadScenario(nameOrPath: string): Scenario {
  if (existsSync(nameOrPath) && !nameOrPath.endsWith('/')) {
    return parseScenario(readFileSync(nameOrPath, 'utf8'), nameOrPath);
  }
  const file = `${nameOrPath}.yaml`;
  const builtIn = libraryFiles().includes(file) ? join(LIBRARY_DIR, file) : undefined;
  if (builtIn !== undefined) return parseScenario(readFileSync(builtIn, 'utf8'), `library/${file}`);
  const names = libraryFiles().map((f) => basename(f, '.yaml'));
  throw new ScenarioErrors([
    new ScenarioError(
      'SCENARIO_NOT_FOUND',
      `'${nameOrPath}' is neither a built-in scenario nor a readable file (see 'synack list')`,
      { file: nameOrPath, line: 1, column: 1 },
      didYouMean(nameOrPath, names),
    ),
  ]);
}
