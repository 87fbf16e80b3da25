/**
 * `profile:` tcp-sim's timer profile: a name (`rfc`, `linux`), or a base with any of its numbers
 * overridden, every field named as tcp-sim's `TimerProfile` names it:
 *
 *     profile:
 *       base: linux
 *       msl: 5s                 # TIME-WAIT lasts 10 s
 *       delayedAckMax: 0        # acknowledge every segment at once
 *       nagle: true
 *
 * Time fields take durations; counts take whole numbers; switches true/false; the few named choices
 * (`zeroWindowProbe`, `rstInTimeWait`, `initialWindow: rfc5681`) their names. The merged profile is
 * checked by tcp-sim itself, and its complaint is reported at the profile.
 */
import { PROFILES, type ProfileSpec, resolveProfile, type TimerProfile } from '@synack/tcp-sim';
import { isScalar } from 'yaml';
import { isTimeField } from '../profile.js';
import type { Reader, YamlNode } from './reader.js';

const NAMES = ['rfc', 'linux'] as const;
const FIELDS = Object.keys(PROFILES.rfc) as (keyof TimerProfile)[];

export function readProfile(reader: Reader, node: YamlNode): ProfileSpec | undefined {
  if (isScalar(node)) return reader.oneOf(node, 'profile', NAMES);
  const entries = reader.map(node, 'profile', ['base', ...FIELDS]);
  if (entries === undefined) return undefined;
  const spec: Record<string, unknown> = {};
  let ok = true;
  for (const { key, value } of entries) {
    const read =
      key === 'base'
        ? reader.oneOf(value, 'profile: base', NAMES)
        : readField(reader, key as keyof TimerProfile, value);
    if (read === undefined) ok = false;
    else spec[key] = read;
  }
  if (!ok) return undefined;
  try {
    resolveProfile(spec as ProfileSpec);
  } catch (error) {
    return reader.fail('SCENARIO_BAD_VALUE', `profile: ${(error as Error).message}`, node);
  }
  return spec as ProfileSpec;
}

function readField(reader: Reader, key: keyof TimerProfile, node: YamlNode): unknown {
  const what = `profile: ${key}`;
  const example = PROFILES.rfc[key];
  // RFC 7323 2.3: a shift of 0..14, or false to offer no window scale option at all.
  if (key === 'windowScale') {
    return isScalar(node) && typeof node.value === 'boolean'
      ? reader.boolean(node, what)
      : reader.number(node, what, { min: 0, max: 14, integer: true });
  }
  if (typeof example === 'boolean') return reader.boolean(node, what);
  // RFC 6928's number of segments, or RFC 5681 3.1's formula by name.
  if (key === 'initialWindow') {
    return isScalar(node) && node.value === 'rfc5681'
      ? 'rfc5681'
      : reader.number(node, what, { min: 1, integer: true });
  }
  if (key === 'zeroWindowProbe') return reader.oneOf(node, what, ['one-octet', 'snd-una-minus-1'] as const);
  if (key === 'rstInTimeWait') return reader.oneOf(node, what, ['close', 'ignore'] as const);
  if (typeof example === 'string') return reader.string(node, what);
  if (isTimeField(key)) return reader.duration(node, what);
  return reader.number(node, what, { min: 0, integer: true });
}
