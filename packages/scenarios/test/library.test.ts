import { describe, expect, test } from 'vitest';
import { formatReport, listScenarios, loadScenario, runScenario } from '../src/index.js';

const library = listScenarios();

describe('the built-in scenario library', () => {
  test('has every scenario the product promises, each with a one-line description', () => {
    const names = library.map((s) => s.name);
    for (const name of [
      'blog-chat',
      'echo-open-close',
      'lost-syn',
      'lost-syn-ack',
      'lost-handshake-ack',
      'simultaneous-open',
      'simultaneous-close',
      'closed-port',
      'server-first-close',
      'half-close',
      'lost-last-ack',
      'lossy-1mib',
      'zero-window',
      'message-sizes',
      'fragmented-ping',
      'invalid-utf8',
      'unmasked-client-frame',
      'full-backlog',
      'abort-mid-message',
      'compressed-chat',
    ]) {
      expect(names).toContain(name);
    }
    for (const s of library) expect(s.title.length).toBeGreaterThan(5);
  });

  test.each(library.map((s) => [s.name]))('%s runs and meets every expectation it states', (name) => {
    const run = runScenario(loadScenario(name));
    expect(run.results.length).toBeGreaterThan(0);
    // The report says which expectation failed, where in the file, and the trace around it.
    if (!run.passed) throw new Error(formatReport(run));
  });
});
