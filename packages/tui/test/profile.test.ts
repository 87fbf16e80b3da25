import { PROFILE_FIELDS, profileView, synGiveUpAfter } from '@synack/scenarios';
import { describe, expect, it } from 'vitest';
import { profileRows } from '../src/components/profile.js';
import { rowText } from '../src/components/spans.js';
import { en } from '../src/narration/en.js';
import { zh } from '../src/narration/zh.js';

describe('numbers the profile implies', () => {
  it.each([
    ['linux: 6 SYN retries from 1 s give up at 127 s', profileView('linux'), 127_000],
    [
      'rfc: RFC 6298 2.5 rtoMax 60 s caps the last two waits (MUST-23: 7 retries, 183 s)',
      profileView('rfc'),
      183_000,
    ],
    ['rtoMax 10 s: the doubling stops at 10 s', profileView({ rtoMax: 10_000 }), 55_000],
    ['no retries: the first timeout ends it', profileView({ synRetries: 0 }), 1000],
  ])('%s', (_name, view, expected) => {
    expect(synGiveUpAfter(view.values)).toBe(expected);
  });
});

describe('the profile overlay rows', () => {
  const view = profileView({ base: 'linux', msl: 5000, userTimeout: 0 });
  const text = (rows: readonly (readonly (readonly { text: string }[])[])[]) =>
    rows.flatMap((column) => column.map(rowText));

  it('tall enough: one column, one field per row, each with its description', () => {
    const r = profileRows(view, en, 40, 120);
    expect(r.columns).toHaveLength(1);
    const lines = text(r.columns);
    expect(lines).toHaveLength(PROFILE_FIELDS.length);
    expect(lines.find((l) => l.includes(' msl '))).toMatch(
      /^\* msl +5s +TIME-WAIT 10s; maximum segment lifetime/,
    );
    expect(lines.find((l) => l.includes('userTimeout'))).toMatch(/0ms +off; /);
  });

  it('80x24: two columns of name and value hold every field within the width', () => {
    const r = profileRows(view, en, 22, 80);
    expect(r.columns).toHaveLength(2);
    const lines = text(r.columns);
    for (const field of PROFILE_FIELDS) expect(lines.some((l) => l.includes(`${field} `))).toBe(true);
    expect(lines.every((l) => l.length <= 39)).toBe(true);
  });

  it('in Chinese every field has its own description', () => {
    const lines = text(profileRows(view, zh, 40, 120).columns);
    expect(lines.find((l) => l.includes(' msl '))).toContain('TIME-WAIT 10s；报文段最大生存时间');
    expect(new Set(PROFILE_FIELDS.map((f) => zh.profileFields[f])).size).toBe(PROFILE_FIELDS.length);
  });
});
