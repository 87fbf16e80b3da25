import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { exportRun, loadScenario, runScenario } from '../src/index.js';

// Set UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review the diff.
const update = process.env.UPDATE_GOLDEN === '1';

describe('text ladder: golden files', () => {
  test.each([['blog-chat'], ['lost-syn'], ['simultaneous-close']])('%s', (name) => {
    const text = exportRun(runScenario(loadScenario(name)), 'text', { width: 120 }) as string;
    const file = new URL(`./golden/${name}.ladder.txt`, import.meta.url);
    if (update) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('text ladder in Chinese (--lang zh): golden file', () => {
  test('blog-chat', () => {
    const text = exportRun(runScenario(loadScenario('blog-chat')), 'text', {
      width: 120,
      lang: 'zh',
    }) as string;
    const file = new URL('./golden/blog-chat.zh.ladder.txt', import.meta.url);
    if (update) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('Mermaid export', () => {
  test('is a sequence diagram with a participant per endpoint and lost segments drawn with -x', () => {
    const text = exportRun(runScenario(loadScenario('lost-syn')), 'mermaid') as string;
    const lines = text.split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines).toContain('  participant client as client 10.0.0.1');
    expect(lines.some((l) => l.startsWith('  client-xserver: SYN seq=0') && l.includes('(lost)'))).toBe(true);
    expect(lines.some((l) => l.startsWith('  server->>client: SYN,ACK seq=0 ack=1'))).toBe(true);
  });
});
