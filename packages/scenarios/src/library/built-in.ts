/**
 * The built-in scenario library. The YAML files in `library/` are compiled into the package as data
 * (`data.ts`, generated), so this module touches no file system and loads in a browser or a bundler;
 * reading scenario files from disk is `@synack/scenarios/node`'s job.
 */
import { didYouMean } from '../language/did-you-mean.js';
import { ScenarioError, ScenarioErrors } from '../language/errors.js';
import { parseScenario } from '../language/parse.js';
import type { Scenario } from '../language/types.js';
import { LIBRARY_SOURCES } from './data.js';

export const DEFAULT_SCENARIO = 'blog-chat';

export interface ScenarioSummary {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Where it came from, for messages: `library/NAME.yaml`. */
  readonly file: string;
}

const nameOf = (file: string) => file.replace(/\.yaml$/, '');

/** The names of the built-in scenarios, in name order. */
export function builtInNames(): string[] {
  return LIBRARY_SOURCES.map(([file]) => nameOf(file));
}

/** Every built-in scenario, in name order. */
export function listScenarios(): ScenarioSummary[] {
  return LIBRARY_SOURCES.map(([file, source]) => {
    const scenario = parseScenario(source, `library/${file}`);
    return {
      name: scenario.name,
      title: scenario.title,
      description: scenario.description,
      file: `library/${file}`,
    };
  });
}

/** A built-in scenario, or undefined when there is none of that name. */
export function builtInScenario(name: string): Scenario | undefined {
  const entry = LIBRARY_SOURCES.find(([file]) => nameOf(file) === name);
  return entry === undefined ? undefined : parseScenario(entry[1], `library/${entry[0]}`);
}

/** The error for a name that is no built-in scenario (nor, where files are read, a file). */
export function notFound(nameOrPath: string, reason: string): ScenarioErrors {
  return new ScenarioErrors([
    new ScenarioError(
      'SCENARIO_NOT_FOUND',
      `'${nameOrPath}' ${reason} (see 'synack list')`,
      { file: nameOrPath, line: 1, column: 1 },
      didYouMean(nameOrPath, builtInNames()),
    ),
  ]);
}

/**
 * A built-in scenario by name (`lost-syn`). Throws `ScenarioErrors` with the nearest built-in name for
 * an unknown one. To read a scenario file as well, use `loadScenario` from `@synack/scenarios/node`.
 */
export function loadScenario(name: string): Scenario {
  const scenario = builtInScenario(name);
  if (scenario === undefined) {
    throw notFound(name, 'is not a built-in scenario (files are read by @synack/scenarios/node)');
  }
  return scenario;
}
