/**
 * Vitest matchers for scenario runs, for people who script synack in their own test suites:
 *
 *     import { synackMatchers } from '@synack/scenarios/vitest';
 *     expect.extend(synackMatchers);
 *     const run = runScenario(defineScenario({...}));
 *     expect(run).toBeInState('server', 'TIME-WAIT', { at: 1000 });
 *     expect(run).toHaveExchanged(['client>server SYN seq=0', 'server>client SYN,ACK seq=0 ack=1']);
 *
 * Each matcher builds the same expectation a scenario file would and checks it the same way, so the
 * failure messages match `synack run`'s.
 */
// Brings vitest's declarations into the program, so the `declare module 'vitest'` below augments them
// when this file is compiled on its own (the package build), not only beside the tests.
import type {} from 'vitest';
import { segmentPattern } from '../define.js';
import type { SourceLocation } from '../language/errors.js';
import type { Expectation, MessageMatch, TcpStateName, WsStateName } from '../language/types.js';
import { checkExpectations } from '../runner/expect.js';
import type { ScenarioRun } from '../runner/run.js';

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

const here: SourceLocation = { file: '<matcher>', line: 1, column: 1 };

function verdict(run: ScenarioRun, expectation: Expectation, negated: boolean): MatcherResult {
  const [result] = checkExpectations(run, [{ expectation, source: here }]);
  const pass = result?.pass ?? false;
  return { pass, message: () => `${negated ? 'expected not: ' : ''}${result?.message ?? 'no result'}` };
}

function asRun(received: unknown): ScenarioRun {
  if (
    typeof received !== 'object' ||
    received === null ||
    !('trace' in received) ||
    !('results' in received)
  ) {
    throw new TypeError('synack matchers take a ScenarioRun (from runScenario or session.run)');
  }
  return received as ScenarioRun;
}

export const synackMatchers = {
  toBeInState(
    this: { isNot: boolean },
    received: unknown,
    endpoint: string,
    tcp: TcpStateName,
    options: { at?: number } = {},
  ) {
    return verdict(
      asRun(received),
      { type: 'state', endpoint, tcp, ...(options.at === undefined ? {} : { at: options.at }) },
      this.isNot,
    );
  },
  toHaveReadyState(
    this: { isNot: boolean },
    received: unknown,
    endpoint: string,
    ws: WsStateName,
    options: { at?: number } = {},
  ) {
    return verdict(
      asRun(received),
      { type: 'ready-state', endpoint, ws, ...(options.at === undefined ? {} : { at: options.at }) },
      this.isNot,
    );
  },
  toHaveExchanged(
    this: { isNot: boolean },
    received: unknown,
    patterns: readonly string[],
    options: { exactly?: boolean } = {},
  ) {
    const run = asRun(received);
    const parsed = patterns.map((p) => segmentPattern(p, run.endpoints));
    return verdict(
      run,
      { type: 'segments', mode: options.exactly ? 'exactly' : 'in-order', patterns: parsed },
      this.isNot,
    );
  },
  toHaveReceived(
    this: { isNot: boolean },
    received: unknown,
    endpoint: string,
    messages: readonly (string | MessageMatch)[],
  ) {
    const matches = messages.map((m) => (typeof m === 'string' ? { text: m } : m));
    return verdict(asRun(received), { type: 'received', endpoint, messages: matches }, this.isNot);
  },
  toHaveClosedWith(this: { isNot: boolean }, received: unknown, endpoint: string, code: number) {
    return verdict(asRun(received), { type: 'close-code', endpoint, code }, this.isNot);
  },
  toHaveDeliveredIntact(this: { isNot: boolean }, received: unknown, from: string, to: string) {
    return verdict(asRun(received), { type: 'delivered-intact', from, to }, this.isNot);
  },
  toHaveNoTimersLeft(this: { isNot: boolean }, received: unknown) {
    return verdict(asRun(received), { type: 'no-timers-left' }, this.isNot);
  },
  /** Every expectation the scenario itself states holds, and every step ran. */
  toPassItsExpectations(this: { isNot: boolean }, received: unknown) {
    const run = asRun(received);
    const failed = run.results.filter((r) => !r.pass).map((r) => r.message);
    return {
      pass: run.passed,
      message: () => [...run.failures, ...failed].join('\n') || 'all expectations passed',
    };
  },
};

export interface SynackMatchers<R = unknown> {
  toBeInState(endpoint: string, tcp: TcpStateName, options?: { at?: number }): R;
  toHaveReadyState(endpoint: string, ws: WsStateName, options?: { at?: number }): R;
  toHaveExchanged(patterns: readonly string[], options?: { exactly?: boolean }): R;
  toHaveReceived(endpoint: string, messages: readonly (string | MessageMatch)[]): R;
  toHaveClosedWith(endpoint: string, code: number): R;
  toHaveDeliveredIntact(from: string, to: string): R;
  toHaveNoTimersLeft(): R;
  toPassItsExpectations(): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the shape vitest's own declaration merging requires
  interface Matchers<T = any> extends SynackMatchers<T> {}
}
