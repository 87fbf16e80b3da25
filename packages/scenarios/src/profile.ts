/**
 * The TCP profile a scenario runs with, as a viewer shows it: which named profile it starts from,
 * which numbers the scenario sets itself, and every resolved value. `profileYaml` writes it back in
 * the scenario language, so what the UI or `synack profile` shows can be pasted into a scenario.
 */
import {
  PROFILES,
  type ProfileName,
  type ProfileSpec,
  resolveProfile,
  type TimerProfile,
} from '@synack/tcp-sim';

/** When unanswered SYN retransmissions give up (tcp-sim's own backoff), for viewers of a profile. */
export { synGiveUpAfter } from '@synack/tcp-sim';

export type ProfileField = keyof TimerProfile;

/** Every field, in the order tcp-sim's TimerProfile declares them. */
export const PROFILE_FIELDS = Object.keys(PROFILES.rfc) as readonly ProfileField[];

export interface ProfileView {
  readonly base: ProfileName;
  /** Fields the scenario sets itself (a subset of PROFILE_FIELDS, in their order). */
  readonly overridden: readonly ProfileField[];
  readonly values: TimerProfile;
}

/** Fields measured in milliseconds of virtual time: the scenario language writes them as durations. */
export function isTimeField(field: string): boolean {
  return /^(rto|msl|delayedAck|keepAliveIdle|keepAliveInterval|userTimeout|finWait2Timeout|clockGranularity|challengeAckInterval)/.test(
    field,
  );
}

export function profileView(spec: ProfileSpec): ProfileView {
  if (typeof spec === 'string') return { base: spec, overridden: [], values: resolveProfile(spec) };
  const { base = 'rfc', ...overrides } = spec;
  return {
    base,
    overridden: PROFILE_FIELDS.filter((f) => f in overrides),
    values: resolveProfile(spec),
  };
}

/** A duration as the scenario language reads it back: the largest unit that keeps it whole. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** One field's value in the scenario language: durations with units, the rest as they are. */
export function formatProfileValue(field: ProfileField, value: TimerProfile[ProfileField]): string {
  return typeof value === 'number' && isTimeField(field) ? formatDuration(value) : String(value);
}

/** The whole resolved profile as a `profile:` block of the scenario language. */
export function profileYaml(view: ProfileView): string {
  const lines = ['profile:', `  base: ${view.base}`];
  for (const field of PROFILE_FIELDS) {
    const mark = view.overridden.includes(field) ? '  # set by the scenario' : '';
    lines.push(`  ${field}: ${formatProfileValue(field, view.values[field])}${mark}`);
  }
  return `${lines.join('\n')}\n`;
}
