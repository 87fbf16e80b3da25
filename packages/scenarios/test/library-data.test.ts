/**
 * The built-in library is data inside the package: the main entry reads no file system (so it loads in
 * a browser or a bundler), the data matches library/*.yaml, and files are read by the node entry.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { generate } from '../scripts/library.mjs';
import { builtInNames, listScenarios, loadScenario, ScenarioErrors } from '../src/index.js';
import { loadScenario as loadFromDisk } from '../src/node.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** Every module the main entry reaches through relative imports, and the bare modules they import. */
function moduleGraph(entry: string): { files: string[]; bare: Set<string> } {
  const files: string[] = [];
  const bare = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
      if (spec!.startsWith('.')) queue.push(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
      else bare.add(spec!);
    }
  }
  return { files, bare };
}

describe('the built-in library as data', () => {
  it('src/library/data.ts is what scripts/library.mjs writes from library/*.yaml', () => {
    expect(readFileSync(join(src, 'library/data.ts'), 'utf8')).toBe((generate as () => string)());
  });

  it('the main entry imports no node: module (it runs in a browser or a bundler)', () => {
    const { files, bare } = moduleGraph(join(src, 'index.ts'));
    expect(files.length).toBeGreaterThan(20);
    expect([...bare].filter((m) => m.startsWith('node:'))).toEqual([]);
    expect(files).not.toContain(join(src, 'node.ts'));
  });

  it('lists and loads every built-in scenario by name', () => {
    expect(listScenarios().map((s) => s.name)).toEqual(builtInNames());
    for (const name of builtInNames()) expect(loadScenario(name).name).toBe(name);
  });

  it('the main entry names the node entry for a path; the node entry reads it relative to cwd', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-node-'));
    writeFileSync(join(dir, 'mine.yaml'), 'name: mine\n');
    expect(() => loadScenario('mine.yaml')).toThrow(/files are read by @synack\/scenarios\/node/);
    expect(loadFromDisk('mine.yaml', { cwd: dir }).name).toBe('mine');
    expect(loadFromDisk('lost-syn', { cwd: dir }).name).toBe('lost-syn');
    // A path-looking argument never falls back to a built-in name.
    expect(() => loadFromDisk('./lost-syn.yaml', { cwd: dir })).toThrow(ScenarioErrors);
    rmSync(dir, { recursive: true, force: true });
  });
});
