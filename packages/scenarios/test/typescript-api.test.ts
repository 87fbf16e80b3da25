import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { defineScenario, runScenario, ScenarioErrors } from '../src/index.js';
import { synackMatchers } from '../src/vitest/matchers.js';

expect.extend(synackMatchers);

const handshake = defineScenario({
  name: 'ts-handshake',
  link: { delay: '10ms' },
  endpoints: { client: {}, server: { app: 'echo' } },
  timeline: [
    { open: { by: 'client', path: '/ts' } },
    { when: { 'client.ws': 'OPEN' }, send: '你好 from TypeScript' },
    { wait: '50ms' },
    { close: { by: 'client', code: 1000, reason: 'done' } },
  ],
});

describe('scenarios from TypeScript, checked with the vitest matchers', () => {
  const run = runScenario(handshake);

  test('RFC 9293 3.5: the three-way handshake, then the Upgrade, in order', () => {
    expect(run).toHaveExchanged([
      'client>server SYN seq=0',
      'server>client SYN,ACK seq=0 ack=1',
      'client>server ACK seq=1 ack=1',
      'client>server PSH,ACK seq=1 carries=http',
    ]);
    expect(run).not.toHaveExchanged(['server>client SYN seq=0']);
  });

  test('RFC 6455 7.1.1: the server closes TCP first and waits in TIME-WAIT; both ends end CLOSED', () => {
    expect(run).toBeInState('server', 'TIME-WAIT', { at: 1000 });
    expect(run).toBeInState('client', 'CLOSED', { at: 1000 });
    expect(run).toBeInState('server', 'CLOSED');
    expect(run).toHaveReadyState('client', 'CLOSED');
    expect(run).toHaveNoTimersLeft();
  });

  test('messages, close codes and byte streams', () => {
    expect(run).toHaveReceived('server', ['你好 from TypeScript']);
    expect(run).toHaveReceived('client', ['你好 from TypeScript']);
    expect(run).toHaveClosedWith('client', 1000);
    expect(run).toHaveDeliveredIntact('client', 'server');
    expect(run).toHaveDeliveredIntact('server', 'client');
    expect(run).not.toHaveClosedWith('client', 1006);
  });

  test('a failing matcher says what was expected and what was found', () => {
    expect(() => expect(run).toBeInState('client', 'ESTABLISHED')).toThrow(
      'client TCP state at the end: expected ESTABLISHED, found CLOSED',
    );
  });

  test('a mistake in a TypeScript scenario is a ScenarioErrors with a suggestion, not a crash', () => {
    const bad = () =>
      defineScenario({
        name: 'bad',
        timeline: [{ close: { by: 'clinet' } }],
      });
    expect(bad).toThrow(ScenarioErrors);
    expect(bad).toThrow(/no endpoint named 'clinet'.*did you mean 'client'/);
  });

  test("a mistake in a TypeScript scenario points at the caller's defineScenario call, not a YAML file", () => {
    let error: ScenarioErrors | undefined;
    try {
      defineScenario({ name: 'bad', timeline: [{ close: { by: 'clinet' } }] }); // the call is on this line
    } catch (e) {
      error = e as ScenarioErrors;
    }
    const line = readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('// the call is on this line'));
    const [first] = error?.errors ?? [];
    expect(first?.location.file).toBe(fileURLToPath(import.meta.url));
    expect(first?.location.line).toBe(line + 1);
    expect(first?.message).toContain("no endpoint named 'clinet'");
    expect(first?.message).toContain('(at `by: clinet` in the scenario object)');
  });
});
