// The fenced code blocks of a Markdown file, with where they start and how they are marked. Every block
// runs in the test suite (packages/tui/test/readme-blocks.test.ts, scripts/consumer-test.mjs) unless its
// info string says it is a listing: ```ts listing (an API signature listing, not a program), ```text
// listing (terminal output, usage text), ```sh listing (commands described, not run by the suite).
import { readFileSync } from 'node:fs';

/**
 * @typedef {{ file: string; line: number; lang: string; info: string; code: string; listing: boolean }} Block
 * @param {string} file
 * @returns {Block[]}
 */
export function readmeBlocks(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  /** @type {Block[]} */
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const info = open[2].trim();
    const start = i + 1;
    const body = [];
    for (i++; i < lines.length && !lines[i].startsWith(fence); i++) body.push(lines[i]);
    const words = info.split(/\s+/).filter(Boolean);
    blocks.push({
      file,
      line: start,
      lang: words[0] ?? '',
      info,
      code: `${body.join('\n')}\n`,
      listing: words.includes('listing'),
    });
  }
  return blocks;
}

/**
 * A TypeScript block as a module: its imports first, then `expect` from vitest when it uses it without
 * importing it (README blocks show matchers the way a test file uses them).
 * @param {string} code
 */
export function asModule(code) {
  // vitest's `expect(...)` / `expect.extend`, not a method such as `peer.expect(...)`.
  const needsExpect =
    /(^|[^.\w])expect[.(]/m.test(code) && !/import[^;]*\bexpect\b[^;]*from 'vitest'/.test(code);
  return `${needsExpect ? "import { expect } from 'vitest';\n" : ''}${code}`;
}

/**
 * A TypeScript block that uses vitest's `expect` as a test file: its imports at the top, the rest as
 * the body of one test (vitest refuses a test file without a test).
 * @param {string} code
 * @param {string} title
 */
export function asTest(code, title) {
  const imports = [];
  const body = [];
  let inImport = false;
  for (const line of code.split('\n')) {
    if (inImport || /^import\s/.test(line)) {
      imports.push(line);
      inImport = !line.trimEnd().endsWith(';');
    } else body.push(line);
  }
  const vitest = /from 'vitest'/.test(imports.join('\n')) ? '' : "import { expect, test } from 'vitest';\n";
  return `${vitest}${imports.join('\n')}\n\ntest(${JSON.stringify(title)}, () => {\n${body.join('\n')}\n});\n`;
}
