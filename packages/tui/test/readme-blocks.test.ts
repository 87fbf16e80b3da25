/**
 * Every code block of every README runs here, extracted from the README (scripts/readme-blocks.mjs),
 * unless it is marked as a listing (```ts listing, ```text listing, ```sh listing): TypeScript blocks
 * are imported as modules (in a temporary folder, so files they write land there), scenario blocks
 * (YAML) are parsed and run and must meet their own expectations. scripts/consumer-test.mjs runs the
 * package READMEs' examples again against the packed, installed packages.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatReport, parseScenario, runScenario } from '@synack/scenarios';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { asModule, readmeBlocks } from '../../../scripts/readme-blocks.mjs';

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
  listing: boolean;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readmes = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'README.md')),
].filter((f) => {
  try {
    return readdirSync(join(f, '..')).includes('README.md');
  } catch {
    return false;
  }
});
const blocks = readmes.flatMap((f) => (readmeBlocks as (file: string) => Block[])(f));
const name = (b: Block) => `${b.file.slice(root.length)}:${b.line} (${b.lang})`;
// Modules live inside the tui package, so `@synack/*` resolves as it does for the package's own code.
const modules = join(root, 'packages', 'tui', '.readme');
const cwd = mkdtempSync(join(tmpdir(), 'synack-readme-'));
mkdirSync(modules, { recursive: true });
afterAll(() => {
  rmSync(modules, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

describe('README code blocks', () => {
  it('every block is either run here or marked as a listing', () => {
    const unrunnable = blocks.filter((b) => !b.listing && b.lang !== 'ts' && b.lang !== 'yaml');
    expect(unrunnable.map(name)).toEqual([]);
    expect(blocks.filter((b) => !b.listing).length).toBeGreaterThanOrEqual(6);
  });

  it.each(blocks.filter((b) => !b.listing && b.lang === 'ts').map((b) => [name(b), b] as const))(
    '%s runs',
    async (_name, block) => {
      const file = join(modules, `block-${block.line}-${block.file.length}.ts`);
      writeFileSync(file, (asModule as (code: string) => string)(block.code));
      const before = process.cwd();
      process.chdir(cwd);
      try {
        await import(pathToFileURL(file).href);
      } finally {
        process.chdir(before);
      }
    },
  );

  it.each(blocks.filter((b) => !b.listing && b.lang === 'yaml').map((b) => [name(b), b] as const))(
    '%s is a scenario that meets its expectations',
    (label, block) => {
      const run = runScenario(parseScenario(block.code, label));
      expect(run.passed, formatReport(run)).toBe(true);
    },
  );
});
