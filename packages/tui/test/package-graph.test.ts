/**
 * ARCHITECTURE.md's package table says which of our packages each one imports; this reads the real
 * imports of every package's src/ and compares, so the documented graph cannot drift from the code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** `@synack/x` packages imported (statically or dynamically) by the package's src/, itself excluded. */
function realImports(pkg: string): string[] {
  const found = new Set<string>();
  for (const file of sources(join(root, 'packages', pkg, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const [, name] of text.matchAll(
      /^\s*(?:import|export)\b[^'"]*?(?:from\s*)?['"]@synack\/([a-z-]+)/gm,
    ))
      found.add(name!);
    for (const [, name] of text.matchAll(/import\(\s*['"]@synack\/([a-z-]+)/g)) found.add(name!);
  }
  found.delete(pkg);
  return [...found].sort();
}

/** The documented graph: `| \`pkg\` | ... | \`a\`, \`b\` |` rows of ARCHITECTURE.md's package table. */
function documented(): Map<string, string[]> {
  const text = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
  const rows = new Map<string, string[]>();
  for (const [, pkg, imports] of text.matchAll(/^\| `([a-z-]+)` \|.*\| ([^|]+) \|$/gm)) {
    rows.set(
      pkg!,
      imports!.includes('nothing') ? [] : [...imports!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!).sort(),
    );
  }
  return rows;
}

describe('the package graph in ARCHITECTURE.md', () => {
  const packages = readdirSync(join(root, 'packages')).filter((p) =>
    statSync(join(root, 'packages', p, 'src'), { throwIfNoEntry: false })?.isDirectory(),
  );

  it('lists every package', () => {
    expect([...documented().keys()].sort()).toEqual([...packages].sort());
  });

  it.each(packages)('%s imports exactly the packages the table says', (pkg) => {
    expect(realImports(pkg)).toEqual(documented().get(pkg));
  });

  it('is a tree: nothing imports tui, and tcp-sim and ws-frame never import each other', () => {
    for (const pkg of packages) expect(realImports(pkg)).not.toContain('tui');
    expect(realImports('tcp-sim')).not.toContain('ws-frame');
    expect(realImports('ws-frame')).not.toContain('tcp-sim');
  });

  it('no source, test or bench file cites design notes that are not in the repository', () => {
    const cited = packages.flatMap((pkg) =>
      ['src', 'test', 'bench'].flatMap((dir) => {
        const path = join(root, 'packages', pkg, dir);
        if (statSync(path, { throwIfNoEntry: false })?.isDirectory() !== true) return [];
        return sources(path).filter((file) =>
          /\b(DESIGN|STYLE|NOTES)\.md\b/.test(readFileSync(file, 'utf8')),
        );
      }),
    );
    expect(cited.map((f) => f.slice(root.length))).toEqual([]);
  });
});
