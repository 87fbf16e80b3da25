/**
 * How numbers and marks are written (issue: LOSTACK, a lost retransmission without RTX,
 * RTO 1000.0000000000001, absolute and relative seq in one column, ack=0 without ACK, ssthresh
 * 2147483647 beside "ssthresh unset", IRS 0 in SYN-SENT, two time formats).
 */
import { createSession, listScenarios, loadScenario } from '@synack/scenarios';
import { describe, expect, it } from 'vitest';
import { tcbRows } from '../src/components/endpoint.js';
import { arrowText, ladderRows, MARKS_WIDTH, marksText } from '../src/components/ladder.js';
import { rowText } from '../src/components/spans.js';
import { formatDuration, formatTime, numbersText } from '../src/format.js';
import { en } from '../src/narration/en.js';
import { zh } from '../src/narration/zh.js';
import { arrow } from './fixtures.js';

describe('marks: every one that applies, apart from the flags', () => {
  it.each([
    [{ fate: 'dropped' as const }, 'LOST'],
    [{ fate: 'dropped' as const, retransmission: true }, 'LOST RTX'],
    [{ fate: 'refused' as const }, 'RFSD'],
    [{ fate: 'corrupted' as const, retransmission: true }, 'BAD RTX'],
    [{ fate: 'delivered' as const, copy: 1 }, 'DUP'],
    [{ fate: 'dropped' as const, copy: 1, retransmission: true }, 'LOST DUP RTX'],
    [{ fate: 'delivered' as const, retransmission: true }, 'RTX'],
    [{ fate: 'delivered' as const }, ''],
  ])('%j is marked %j, padded to one width, then a space before the flags', (over, marks) => {
    const text = marksText(arrow({ segmentId: 1, flags: ['ACK'], ...over }));
    expect(text.trim()).toBe(marks);
    expect(text).toHaveLength(MARKS_WIDTH);
    expect(text.endsWith(' ')).toBe(true);
  });

  it('on a ladder row the marks never touch the flags (no LOSTACK, RFSDACK)', () => {
    for (const fate of ['dropped', 'refused', 'corrupted'] as const) {
      const rows = ladderRows([arrow({ segmentId: 1, flags: ['ACK'], fate })], 5, undefined, {
        width: 100,
        height: 3,
        left: 'client',
      });
      expect(rowText(rows[1] ?? [])).toMatch(/(LOST|RFSD|BAD) +ACK seq=/);
    }
  });
});

describe('RFC 9293 3.1: the acknowledgment number is shown only when ACK is set', () => {
  it.each([
    [['SYN'], 'seq=0 len=0'],
    [['RST'], 'seq=0 len=0'],
    [['SYN', 'ACK'], 'seq=0 ack=7 len=0'],
    [['RST', 'ACK'], 'seq=0 ack=7 len=0'],
  ])('%j: %s', (flags, text) => {
    expect(numbersText({ flags, seq: 0, ack: 7, len: 0 })).toBe(text);
  });

  it('the narration writes them the same way as the ladder, in both languages', () => {
    const a = arrow({ segmentId: 1, flags: ['RST'], ack: 9 });
    for (const strings of [en, zh]) {
      const said = strings.narrate({ key: 'segment-delivered', arrow: a });
      expect(said).toContain('seq=0 len=0');
      expect(said).not.toContain('ack=');
    }
    expect(arrowText(a)).toBe('RST seq=0 len=0');
  });
});

describe('durations and times', () => {
  it.each([
    [1000.0000000000001, '1000ms'],
    [990, '990ms'],
    [2.5, '2.5ms'],
    [0.2, '0.2ms'],
    [120_000, '120s'],
    [12_345.6, '12.346s'],
  ])('duration %d is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [0, '0.000ms'],
    [15, '15.000ms'],
    [9999.9994, '9999.999ms'],
    [120_000, '120.000s'],
  ])('time %d is %s, in the header and the ladder alike', (ms, text) => {
    expect(formatTime(ms)).toBe(text);
    const rows = ladderRows([arrow({ segmentId: 1, sentAt: ms })], ms, undefined, {
      width: 100,
      height: 3,
      left: 'client',
    });
    expect(rowText(rows[1] ?? [])).toContain(text);
  });
});

describe('the TCB as the panel shows it', () => {
  it('RTO is rounded, ssthresh at its start is "unset", IRS unknown in SYN-SENT is "-"', () => {
    const text = tcbRows({
      iss: 1,
      irs: undefined,
      sndUna: 0,
      sndNxt: 1,
      sndWnd: 0,
      rcvNxt: 0,
      rcvWnd: 65535,
      cwnd: 4380,
      ssthresh: 2 ** 31 - 1,
      rto: 1000.0000000000001,
    })
      .map(rowText)
      .join('\n');
    expect(text).toContain('IRS -');
    expect(text).toContain('ssthresh unset');
    expect(text).toContain('RTO 1000ms');
    expect(text).not.toMatch(/2147483647|1000\.0000/);
  });

  it('every library scenario: in SYN-SENT the view has no IRS yet', () => {
    const s = createSession(loadScenario('blog-chat'));
    const synSent = s.trace.findIndex((e) => e.type === 'tcp.state' && e.to === 'SYN-SENT');
    const client = s.viewAt(synSent + 1).endpoints.find((e) => e.role === 'client');
    expect(client?.tcp).toBe('SYN-SENT');
    expect(client?.tcb?.irs).toBeUndefined();
  });
});

describe('one column, one kind of number: every seq and ack in every library ladder is relative', () => {
  // Relative numbers of these runs stay far below 2^24; an absolute ISN is a random 32-bit value.
  const RELATIVE_LIMIT = 2 ** 24;
  const small = listScenarios()
    .map((s) => s.name)
    .filter((n) => n !== 'lossy-1mib');

  it.each(small)('%s', (name) => {
    const s = createSession(loadScenario(name));
    const arrows = s.viewAt(s.trace.length - 1).arrows;
    const absolute = arrows.filter((a) => a.seq >= RELATIVE_LIMIT || a.ack >= RELATIVE_LIMIT);
    expect(absolute.map((a) => `${a.from} ${a.flags.join(',')} seq=${a.seq} ack=${a.ack}`)).toEqual([]);
  });
});
