/**
 * Ink's package exports only its entry point; tests that check our patch of its output stage reach its
 * modules by file. Also: chalk (which Ink colours with) sees no terminal under vitest and colours
 * nothing, so tests about styles turn colour on for Ink's own chalk instance, and back off after.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export const inkEntry = pathToFileURL(createRequire(import.meta.url).resolve('ink'));

/** Imports a module of Ink's build (`./output.js`) or of a package next to Ink (`../../chalk/...`). */
export function importNextToInk(path: string): Promise<unknown> {
  return import(new URL(path, inkEntry).href);
}

/** Sets the colour level of the chalk instance Ink uses to 3 (truecolor); returns the undo. */
export async function colourInk(): Promise<() => void> {
  const chalk = ((await importNextToInk('../../chalk/source/index.js')) as { default: { level: number } })
    .default;
  const before = chalk.level;
  chalk.level = 3;
  return () => {
    chalk.level = before;
  };
}
