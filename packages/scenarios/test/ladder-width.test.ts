import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createSession, LADDER_WORDS, parseScenario } from '../src/index.js';
import { blankCells, placeText, textWidth } from '../src/renderers/cells.js';

/** A client and an echo server; `step` (YAML, as written) runs once the WebSocket is OPEN. */
function onceOpen(step: string) {
  return parseScenario(`name: once-open
endpoints:
  client: {}
  server: { app: echo }
timeline:
  - open: { by: client }
  - when: { client.ws: OPEN }
    ${step}
  - wait: 100ms
  - close: { by: client, code: 1000 }
`);
}

/** The client sends one message (YAML scalar as written) to the echo server, then closes. */
const echoOf = (message: string) => onceOpen(`send: ${message}`);

/** The server echoes a Chinese message: its note is right-aligned against the server's column. */
const CJK = echoOf('你好，世界');

/** Display column of the last rail on a row ('│'), counting wide characters as two. */
function lastRailColumn(row: string): number {
  const i = row.lastIndexOf('│');
  return textWidth(row.slice(0, i));
}

describe('UAX #11: the text ladder lines up with wide (CJK) characters', () => {
  test.each(['en', 'zh'] as const)(
    '%s: every row fits the width and the right rail is one column',
    (lang) => {
      const rows = createSession(CJK).ladder({ width: 90, lang }).trimEnd().split('\n');
      const body = rows.slice(1);
      expect(rows.every((r) => textWidth(r) <= 90)).toBe(true);
      const railed = body.filter((r) => r.endsWith('│'));
      const cjk = railed.filter((r) => r.includes('你好'));
      expect(cjk.length).toBeGreaterThan(0);
      expect(new Set(railed.map(lastRailColumn)).size).toBe(1);
    },
  );

  test('zh: prose is Chinese, protocol names are as the RFCs spell them', () => {
    const text = createSession(CJK).ladder({ width: 90, lang: 'zh' });
    expect(text.startsWith(LADDER_WORDS.zh.timeHeader)).toBe(true);
    expect(text).toContain('⇐ 文本 "你好，世界" (15 字节)');
    for (const name of ['SYN seq=0', 'SYN-SENT → ESTABLISHED', 'ws OPEN', 'onclose 1000', 'FIN,ACK']) {
      expect(text).toContain(name);
    }
    // "text" stays where it is the opcode's name ([WS text 15B]); the prose around it is translated.
    expect(text).not.toMatch(/\b(bytes|time)\b|⇐ text|\(unclean\)/);
  });

  test('the same run in both languages has the same rows (only the words differ)', () => {
    const session = createSession(CJK);
    const en = session.ladder({ width: 90 }).split('\n');
    const zh = session.ladder({ width: 90, lang: 'zh' }).split('\n');
    expect(zh.length).toBe(en.length);
    const times = (rows: string[]) => rows.slice(1).map((r) => r.slice(0, 12));
    expect(times(zh)).toEqual(times(en));
  });
});

const textArb = fc
  .array(fc.constantFrom('a', ' ', '─', '│', '你', '好', '，', 'Ｗ', 'é', '😀'), {
    maxLength: 30,
  })
  .map((cs) => cs.join(''));

describe('placing text in a row of cells (property)', () => {
  test('a row stays exactly its width in columns, whatever is written over what', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.nat(45), textArb, fc.constantFrom('start', 'end' as const)), { maxLength: 6 }),
        (width, writes) => {
          const cells = blankCells(width);
          for (const [x, text, align] of writes) placeText(cells, x, text, align as 'start' | 'end');
          expect(textWidth(cells.join(''))).toBe(width);
        },
      ),
    );
  });

  test('text that fits is read back unchanged at its place', () => {
    fc.assert(
      fc.property(textArb, fc.nat(10), (text, x) => {
        const cells = blankCells(x + textWidth(text) + 3);
        placeText(cells, x, text, 'start');
        const row = cells.join('');
        expect(row.startsWith(' '.repeat(x) + text)).toBe(true);
      }),
    );
  });
});

describe('text the ladder quotes cannot break its rows', () => {
  test('combining marks take no column of their own (UAX #11 / Unicode Mn)', () => {
    const cells = blankCells(6);
    placeText(cells, 0, 'e\u0301te\u0301', 'start');
    expect(cells.join('')).toBe('e\u0301te\u0301   ');
    expect(textWidth(cells.join(''))).toBe(6);
  });

  test('a message with a newline, a tab and a C1 control is one row, with them escaped', () => {
    const session = createSession(echoOf('"a\\nb\\tc\\u0085d"'));
    const rows = session.ladder({ width: 90 }).split('\n');
    const echoed = rows.filter((r) => r.includes('⇐ text'));
    expect(echoed.length).toBe(2);
    for (const r of echoed) expect(r).toContain('"a\\nb\\tc\\u0085d"');
    expect(rows.every((r) => !/\p{Cc}/u.test(r))).toBe(true);
  });

  test('a close reason with a newline stays on its row, escaped', () => {
    const scenario = onceOpen('close: { by: client, code: 4000, reason: "bye\\nnow" }');
    const rows = createSession(scenario).ladder({ width: 90 }).split('\n');
    expect(rows.filter((r) => r.includes('onclose 4000 "bye\\nnow"')).length).toBe(1); // the server's onclose
    expect(rows.every((r) => !/\p{Cc}/u.test(r))).toBe(true);
  });
});
