/**
 * Mermaid's default maxTextSize is 50,000 characters (mermaid's config schema); a diagram over it is
 * refused with "Maximum text size in diagram exceeded". A long run is cut to fit, and says so.
 */
import { describe, expect, it } from 'vitest';
import { exportRun, loadScenario, MERMAID_MAX_TEXT_SIZE, renderMermaid, runScenario } from '../src/index.js';

describe('Mermaid export of a large run', () => {
  const run = runScenario(loadScenario('lossy-1mib'));
  const full = renderMermaid(run.trace, run.endpoints, { maxTextSize: Number.POSITIVE_INFINITY });

  it('the whole lossy-1mib run would exceed the default maxTextSize', () => {
    expect(full.length).toBeGreaterThan(MERMAID_MAX_TEXT_SIZE);
  });

  it('is cut to fit, ending with a note of what was left out', () => {
    const text = exportRun(run, 'mermaid') as string;
    expect(text.length).toBeLessThanOrEqual(MERMAID_MAX_TEXT_SIZE);
    expect(full.startsWith(text.slice(0, text.lastIndexOf('\n  Note over client,server: ')))).toBe(true);
    const left =
      /Note over client,server: (\d+) more lines left out to stay within Mermaid's maxTextSize/.exec(text);
    expect(left).not.toBeNull();
    const keptLines = text.trimEnd().split('\n').length - 1;
    expect(keptLines + Number(left![1])).toBe(full.trimEnd().split('\n').length);
  });

  it('a small run is whole, with no note', () => {
    const text = exportRun(runScenario(loadScenario('lost-syn')), 'mermaid') as string;
    expect(text).not.toContain('left out');
  });
});
