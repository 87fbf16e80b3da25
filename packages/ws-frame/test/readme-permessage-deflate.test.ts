/**
 * The README's permessage-deflate example runs as written and prints what its comments say.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

it('README: the permessage-deflate example prints the RFC 7692 7.2.3.2 bytes and both messages', () => {
  const readme = readFileSync(path.join(here, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## permessage-deflate (RFC 7692)'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const expected = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
  expect(expected.length).toBe(3);
  // Inside the package, so `@synack/ws-frame` resolves to itself (its exports, `source` condition).
  const dir = mkdtempSync(path.join(here, '..', '.readme-'));
  try {
    const file = path.join(dir, 'example.ts');
    writeFileSync(file, code);
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines).toEqual(expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
