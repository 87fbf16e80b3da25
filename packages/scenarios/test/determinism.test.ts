import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { exportRun, loadScenario, runScenario } from '../src/index.js';

describe('determinism (ARCHITECTURE.md: one seed)', () => {
  test.each([['blog-chat'], ['lossy-1mib'], ['lost-last-ack'], ['fragmented-ping']])(
    '%s: the same file and seed give the same JSON Lines, byte for byte',
    (name) => {
      const scenario = loadScenario(name);
      const first = exportRun(runScenario(scenario), 'jsonl');
      const second = exportRun(runScenario(scenario), 'jsonl');
      expect(second).toBe(first);
    },
  );

  test('any seed: two runs are identical, and the seed really changes ISNs and masks', () => {
    const scenario = loadScenario('echo-open-close');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const a = exportRun(runScenario(scenario, { seed }), 'jsonl');
        const b = exportRun(runScenario(scenario, { seed }), 'jsonl');
        expect(b).toBe(a);
        const other = exportRun(runScenario(scenario, { seed: (seed + 1) % 2 ** 32 }), 'jsonl');
        expect(other).not.toBe(a);
      }),
      { numRuns: 15 },
    );
  });

  test('lossy link, any seed: the 1 MiB message always arrives intact both ways', () => {
    const scenario = loadScenario('lossy-1mib');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const run = runScenario(scenario, { seed });
        const intact = run.results.filter((r) => r.expectation.type === 'delivered-intact');
        expect(intact.every((r) => r.pass)).toBe(true);
      }),
      { numRuns: 4 },
    );
  });
});
