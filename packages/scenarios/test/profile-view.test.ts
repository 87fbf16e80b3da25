import { resolveProfile, type TimerProfile } from '@synack/tcp-sim';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  createSession,
  formatDuration,
  PROFILE_FIELDS,
  parseScenario,
  profileView,
  profileYaml,
} from '../src/index.js';

/** A minimal scenario around a profile block written in the scenario language. */
function scenarioWith(profileBlock: string) {
  return parseScenario(`name: p\n${profileBlock}timeline:\n  - wait: 1ms\n`);
}

describe('the profile a session shows', () => {
  test.each([
    ['rfc', 'rfc', []],
    ['linux', 'linux', []],
    [{ base: 'linux', msl: 5000, nagle: true }, 'linux', ['msl', 'nagle']],
    [{ rtoMin: 50 }, 'rfc', ['rtoMin']],
  ] as const)('%j: base %s, overridden %j, values resolved by tcp-sim', (spec, base, overridden) => {
    const view = profileView(spec);
    expect(view.base).toBe(base);
    expect(view.overridden).toEqual(overridden);
    expect(view.values).toEqual(resolveProfile(spec));
  });

  test('a library scenario with `profile: linux` shows the linux numbers (TIME-WAIT 60 s, RTO min 200 ms)', () => {
    const session = createSession(parseScenario('name: l\nprofile: linux\ntimeline:\n  - wait: 1ms\n'));
    expect(session.profile.base).toBe('linux');
    expect(session.profile.values.msl * 2).toBe(60_000);
    expect(session.profile.values.rtoMin).toBe(200);
  });
});

describe('profileYaml writes the scenario language back', () => {
  test.each([
    [1, '1ms'],
    [200, '200ms'],
    [1000, '1s'],
    [1500, '1500ms'],
    [120_000, '2min'],
    [7_200_000, '2h'],
  ])('duration %d ms is written %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test('every field is listed, and the ones the scenario set are marked', () => {
    const text = profileYaml(profileView({ base: 'linux', msl: 5000 }));
    for (const field of PROFILE_FIELDS) expect(text).toMatch(new RegExp(`^  ${field}: `, 'm'));
    expect(text).toContain('  msl: 5s  # set by the scenario');
    expect(text).toContain('  rtoMin: 200ms\n');
  });

  test('round trip: any overridden profile, written and parsed again, resolves to the same numbers', () => {
    const overrides = fc.record(
      {
        base: fc.constantFrom('rfc' as const, 'linux' as const),
        msl: fc.integer({ min: 0, max: 300_000 }),
        rtoMin: fc.integer({ min: 1, max: 1000 }),
        delayedAckMax: fc.integer({ min: 200, max: 500 }),
        synRetries: fc.integer({ min: 0, max: 10 }),
        nagle: fc.boolean(),
        keepAlive: fc.boolean(),
        zeroWindowProbe: fc.constantFrom('one-octet' as const, 'snd-una-minus-1' as const),
        initialWindow: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constant('rfc5681' as const)),
        windowScale: fc.oneof(fc.integer({ min: 0, max: 14 }), fc.constant(false as const)),
      },
      { requiredKeys: ['base'] },
    );
    fc.assert(
      fc.property(overrides, (spec) => {
        const view = profileView(spec as Partial<TimerProfile> & { base: 'rfc' | 'linux' });
        const parsed = scenarioWith(profileYaml(view));
        expect(resolveProfile(parsed.profile)).toEqual(view.values);
      }),
      { numRuns: 60 },
    );
  });
});

describe('profile fields that are a number or a name (RFC 7323 2.3 window scale, RFC 6928 initial window)', () => {
  test.each([
    ['windowScale: 7', { windowScale: 7 }],
    ['windowScale: false', { windowScale: false }],
    ['initialWindow: 10', { initialWindow: 10 }],
    ['initialWindow: rfc5681', { initialWindow: 'rfc5681' }],
  ])('%s is accepted', (line, expected) => {
    expect(resolveProfile(scenarioWith(`profile:\n  base: linux\n  ${line}\n`).profile)).toMatchObject(
      expected,
    );
  });

  test.each([
    ['windowScale: 15', /windowScale/],
    ['windowScale: seven', /windowScale/],
    ['initialWindow: 0', /initialWindow/],
    ['initialWindow: lots', /initialWindow/],
  ])('%s is refused with the field named', (line, message) => {
    expect(() => scenarioWith(`profile:\n  ${line}\n`)).toThrow(message);
  });
});
