/** The README's example is the text of a test that runs in the suite, so the README cannot go stale. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('the reconnect example is test/net/readme-reconnect.test.ts between its markers, verbatim', () => {
    const readme = read('../../README.md');
    const block = readme.split('<!-- readme-reconnect -->\n```ts\n')[1]?.split('```')[0];
    const test = read('./readme-reconnect.test.ts').split('// README-BEGIN\n')[1]?.split('// README-END')[0];
    expect(block).toBeDefined();
    expect(block).toBe(test);
  });
});
