import { createSession, loadScenario, textWidth } from '@synack/scenarios';
import { describe, expect, it } from 'vitest';
import type { CwndPhase, Narration, TimerStopCause } from '../src/model.js';
import { en } from '../src/narration/en.js';
import { langFromEnv, type Strings, stringsFor } from '../src/narration/index.js';
import { zh } from '../src/narration/zh.js';
import { arrow } from './fixtures.js';

const syn = arrow({ segmentId: 1, flags: ['SYN'], seq: 0 });
const synAck = arrow({ segmentId: 2, from: 'server', to: 'client', flags: ['SYN', 'ACK'], seq: 0, ack: 1 });
const ack = arrow({ segmentId: 3, flags: ['ACK'], seq: 1, ack: 1 });
const t = (from: 'FIN-WAIT-2' | 'CLOSED', to: 'TIME-WAIT' | 'SYN-SENT') => ({
  from,
  to,
  time: 0,
  cause: 'x',
});

/** One example of every narration key, so a new key without a sentence fails here. */
const EVERY_KEY: readonly Narration[] = [
  { key: 'segment-sent', arrow: syn, firstHandshake: 1 },
  { key: 'segment-delivered', arrow: ack },
  { key: 'segment-lost', arrow: { ...ack, fate: 'dropped' }, reason: 'drop fault' },
  { key: 'state-change', endpoint: 'client', transition: t('FIN-WAIT-2', 'TIME-WAIT') },
  { key: 'timer-set', endpoint: 'client', timer: { kind: '2MSL', setAt: 0, deadline: 240000 } },
  { key: 'timer-fired', endpoint: 'client', timer: { kind: 'RTO', setAt: 0, deadline: 1000 } },
  { key: 'ws-frame', endpoint: 'client', direction: 'sent', opcode: 'text', length: 19, masked: true },
  { key: 'ws-message', endpoint: 'server', text: 'type=add&ming=Muxer', length: 19 },
  { key: 'ws-state', endpoint: 'client', from: 'CONNECTING', to: 'OPEN' },
  { key: 'ws-close', endpoint: 'client', code: 1000, reason: 'bye' },
  { key: 'app-call', endpoint: 'client', call: 'send' },
  { key: 'error', endpoint: 'client', code: 'ECONNRESET', message: 'connection reset by peer' },
  {
    key: 'timer-cancelled',
    endpoint: 'client',
    timer: { kind: 'RTO', setAt: 0, deadline: 1000 },
    cause: undefined,
  },
  { key: 'segment-fault', arrow: ack, fault: 'reordered', delay: 30 },
  { key: 'cwnd', endpoint: 'server', cwnd: 14480, ssthresh: 2 ** 31 - 1, flight: 2896, phase: 'slow-start' },
  { key: 'app-data', endpoint: 'server', length: 19, offset: 0 },
  { key: 'app-event', endpoint: 'client', event: 'end' },
  {
    key: 'ws-handshake',
    endpoint: 'server',
    direction: 'sent',
    kind: 'response',
    line: 'HTTP/1.1 101 Switching Protocols',
    status: 101,
    length: 129,
  },
  { key: 'ws-error', endpoint: 'server', code: 'invalid-utf8', closeCode: 1007, message: 'bad UTF-8' },
  { key: 'scenario-step', step: 3, line: 12, action: 'send', by: 'client' },
  { key: 'scenario-failure', step: undefined, message: 'no client connection' },
];

describe('every narration key has one sentence in each language', () => {
  it.each(EVERY_KEY.map((n) => [n.key, n] as const))('%s', (_key, n) => {
    for (const s of [en, zh]) {
      const text = s.narrate(n);
      expect(text.length).toBeGreaterThan(10);
      expect(text).not.toMatch(/undefined|\[object/);
    }
  });
});

describe('RFC 9293 3.5: the three-way handshake narrated', () => {
  it('the first segment carries SYN and the ISN x, and the client enters SYN-SENT', () => {
    const s = en.narrate({ key: 'segment-sent', arrow: syn, firstHandshake: 1 });
    expect(s).toMatch(/SYN/);
    expect(s).toMatch(/initial sequence number x/);
    expect(s).toMatch(/client enters SYN-SENT/);
    expect(zh.narrate({ key: 'segment-sent', arrow: syn, firstHandshake: 1 })).toMatch(
      /初始序号 x.*SYN-SENT/,
    );
  });

  it('the server answers SYN+ACK with its ISN y and ack = x+1', () => {
    const s = en.narrate({ key: 'segment-sent', arrow: synAck, firstHandshake: 2 });
    expect(s).toMatch(/SYN\+ACK/);
    expect(s).toMatch(/ack=x\+1 \(1\)/);
    expect(s).toMatch(/SYN-RCVD/);
    expect(zh.narrate({ key: 'segment-sent', arrow: synAck, firstHandshake: 2 })).toMatch(/ack=x\+1/);
  });

  it('the third segment is an ACK with ack = y+1', () => {
    expect(en.narrate({ key: 'segment-sent', arrow: ack, firstHandshake: 3 })).toMatch(
      /ACK with ack=y\+1 \(1\)/,
    );
  });

  it('a retransmitted segment is called a retransmission', () => {
    const n: Narration = {
      key: 'segment-sent',
      arrow: { ...ack, retransmission: true },
      firstHandshake: undefined,
    };
    expect(en.narrate(n)).toMatch(/retransmission/);
    expect(zh.narrate(n)).toMatch(/重传/);
  });
});

describe('RFC 9293 3.6 and RFC 6455 5.3, 7.4.1: closing and masking narrated', () => {
  it('FIN-WAIT-2 to TIME-WAIT explains the 2MSL wait', () => {
    const n: Narration = {
      key: 'state-change',
      endpoint: 'client',
      transition: t('FIN-WAIT-2', 'TIME-WAIT'),
    };
    expect(en.narrate(n)).toMatch(/TIME-WAIT for 2MSL/);
    expect(zh.narrate(n)).toMatch(/2MSL/);
  });

  it('an unknown transition falls back to naming both states and the cause', () => {
    const n: Narration = {
      key: 'state-change',
      endpoint: 'server',
      transition: { from: 'ESTABLISHED', to: 'CLOSED', time: 0, cause: 'RST in window' },
    };
    expect(en.narrate(n)).toBe(
      'server goes straight from ESTABLISHED to CLOSED (RST in window): the connection is gone.',
    );
  });

  it('a client frame is masked because clients must mask; a server frame is not', () => {
    const base = { key: 'ws-frame', endpoint: 'x', direction: 'sent', opcode: 'text', length: 2 } as const;
    expect(en.narrate({ ...base, masked: true })).toMatch(/RFC 6455 5\.3/);
    expect(en.narrate({ ...base, masked: false })).toMatch(/unmasked/);
  });

  it('close code 1009 is named "message too big"', () => {
    expect(en.narrate({ key: 'ws-close', endpoint: 'server', code: 1009, reason: '' })).toMatch(
      /message too big/,
    );
  });
});

describe('language choice', () => {
  it.each([
    [{ LANG: 'zh_CN.UTF-8' }, 'zh'],
    [{ LANG: 'en_US.UTF-8' }, 'en'],
    [{ LC_ALL: 'zh_TW.UTF-8', LANG: 'en_US.UTF-8' }, 'zh'],
    [{ LC_ALL: '', LANG: 'zh_CN.UTF-8' }, 'zh'],
    [{}, 'en'],
  ])('%j gives %s', (env, lang) => {
    expect(langFromEnv(env)).toBe(lang);
    expect(stringsFor(langFromEnv(env)).lang).toBe(lang);
  });
});

describe('RFC 6455 4.1, 4.2.2: the opening handshake narrated', () => {
  const base = { key: 'ws-handshake', endpoint: 'client', length: 160, status: undefined } as const;
  it('the request names the headers a client must send', () => {
    const n: Narration = { ...base, direction: 'sent', kind: 'request', line: 'GET /chat HTTP/1.1' };
    expect(en.narrate(n)).toMatch(
      /"GET \/chat HTTP\/1\.1".*Upgrade: websocket.*Sec-WebSocket-Key and version 13/,
    );
    expect(zh.narrate(n)).toMatch(/Sec-WebSocket-Key/);
  });

  it('101 explains Sec-WebSocket-Accept with the RFC GUID; a refusal names its status line', () => {
    const ok: Narration = {
      ...base,
      endpoint: 'server',
      direction: 'sent',
      kind: 'response',
      line: 'HTTP/1.1 101 Switching Protocols',
      status: 101,
    };
    expect(en.narrate(ok)).toMatch(/SHA-1\(key \+ "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"\)/);
    const refused: Narration = { ...ok, line: 'HTTP/1.1 426 Upgrade Required', status: 426 };
    expect(en.narrate(refused)).toMatch(/refuses the upgrade with "HTTP\/1\.1 426 Upgrade Required"/);
    expect(en.narrate({ ...refused, direction: 'received', endpoint: 'client' })).toMatch(/WebSocket fails/);
  });
});

describe('RFC 5681 3.1, 3.2 and RFC 6582: cwnd narration follows the phase tcp-sim names', () => {
  const at = (phase: CwndPhase, cwnd: number, ssthresh: number, s: Strings = en) =>
    s.narrate({ key: 'cwnd', endpoint: 'client', cwnd, ssthresh, flight: 0, phase });
  it.each([
    ['initial', 14480, 2 ** 31 - 1, /starts at 14480 bytes, its initial window.*no loss yet/],
    ['slow-start', 15928, 2 ** 31 - 1, /slow start, about \+1 segment per ACK/],
    ['congestion-avoidance', 20000, 10000, /ssthresh 10000: congestion avoidance/],
    [
      'fast-retransmit',
      9000,
      4500,
      /third duplicate ACK.*fast recovery, ssthresh 4500, cwnd 9000 \(RFC 5681 3\.2\)/,
    ],
    ['fast-recovery', 10000, 4500, /Another duplicate ACK in fast recovery.*grows by one segment to 10000/],
    ['partial-ack', 8000, 4500, /partial ACK.*next hole.*RFC 6582/],
    ['recovery-exit', 4500, 4500, /full ACK ends .*fast recovery: cwnd deflates to 4500/],
    ['timeout', 1000, 2000, /retransmission timeout.*ssthresh to 2000.*one segment, 1000 bytes/],
  ] as const)('%s', (phase, cwnd, ssthresh, text) => {
    expect(at(phase, cwnd, ssthresh)).toMatch(text);
    expect(at(phase, cwnd, ssthresh, zh)).toContain(String(cwnd));
  });

  it('fast recovery is not called congestion avoidance though cwnd is above ssthresh there', () => {
    expect(at('fast-retransmit', 9000, 4500)).not.toMatch(/congestion avoidance/);
  });
});

describe('why a timer stopped', () => {
  const cancelled = (kind: string, cause: TimerStopCause | undefined) =>
    en.narrate({ key: 'timer-cancelled', endpoint: 'server', timer: { kind, setAt: 0, deadline: 1 }, cause });
  it('RFC 9293 3.10.7.4: entering TIME-WAIT turns the other timers off; a closed connection stops them all', () => {
    expect(cancelled('KEEPALIVE', 'time-wait')).toMatch(/enters TIME-WAIT and turns off its KEEPALIVE timer/);
    expect(cancelled('RTO', 'closed')).toBe("server's connection is gone, so its RTO timer stops with it.");
    expect(cancelled('RTO', undefined)).toMatch(/new data was acknowledged/);
    expect(cancelled('2MSL', 'restarted')).toMatch(/FIN again in TIME-WAIT.*restarts the 2MSL timeout/);
    expect(cancelled('2MSL', 'closed')).toBe("server's connection is gone, so its 2MSL timer stops with it.");
  });
});

describe('link faults on a bare ACK (no sequence space, RFC 9293 3.3.2)', () => {
  const bare = { ...ack, len: 0 };
  it('a duplicated ACK acknowledges nothing new; a delayed old ACK is ignored; a duplicated RST finds nothing', () => {
    const dup = en.narrate({ key: 'segment-fault', arrow: bare, fault: 'duplicated', delay: 0 });
    expect(dup).toMatch(
      /acknowledges nothing new; to a sender with data outstanding it counts as a duplicate ACK/,
    );
    const rst = en.narrate({
      key: 'segment-fault',
      arrow: { ...bare, flags: ['RST'] },
      fault: 'duplicated',
      delay: 0,
    });
    expect(rst).toMatch(/first copy resets the connection; the second finds it gone/);
    expect(dup).not.toMatch(/discards the copy/);
    const late = en.narrate({ key: 'segment-fault', arrow: bare, fault: 'reordered', delay: 30 });
    expect(late).toMatch(/ignored/);
    const data = en.narrate({
      key: 'segment-fault',
      arrow: { ...ack, len: 10 },
      fault: 'duplicated',
      delay: 0,
    });
    expect(data).toMatch(/discards the copy and acknowledges again/);
  });
});

describe('scenario steps and application events narrated', () => {
  it('a step says its number, its line, who acts and what it does', () => {
    const n: Narration = { key: 'scenario-step', step: 3, line: 12, action: 'abort', by: 'client' };
    expect(en.narrate(n)).toBe('Scenario step 3 (line 12): client aborts the connection (RST).');
    expect(zh.narrate(n)).toBe('场景第 3 步（第 12 行）：client 中止连接（RST）。');
  });

  it('app data names the byte range of the peer stream it covers', () => {
    expect(en.narrate({ key: 'app-data', endpoint: 'server', length: 19, offset: 100 })).toMatch(
      /19 bytes to server's application, in order: bytes 100\.\.118/,
    );
  });
});

describe('events the view model does not narrate still get a line', () => {
  it.each(['scenario.step', 'timer.cancelled', 'ws.handshake'])('%s', (type) => {
    expect(en.unnarrated(type)).not.toContain(type);
    expect(zh.unnarrated(type)).not.toContain(type);
  });

  it('an unknown event type is named as it is in the trace', () => {
    expect(en.unnarrated('link.reordered')).toBe('Trace event: link.reordered.');
  });
});

describe("tcp-sim's timer names (RFC 9293 3.8, RFC 1122 4.2.3) each get their own sentence", () => {
  it.each(['RTO', 'SYN', '2MSL', 'PERSIST', 'DELACK', 'KEEPALIVE', 'USER', 'FIN-WAIT-2'])('%s', (kind) => {
    const timer = { kind, setAt: 0, deadline: 200 };
    // Not the fallback sentence an unknown timer gets (which only repeats its name).
    for (const key of ['timer-set', 'timer-fired', 'timer-cancelled'] as const) {
      for (const s of [en, zh]) {
        const of = (t: typeof timer): Narration =>
          key === 'timer-cancelled'
            ? { key, endpoint: 'client', timer: t, cause: undefined }
            : { key, endpoint: 'client', timer: t };
        const fallback = s.narrate(of({ ...timer, kind: 'UNKNOWN' })).replace('UNKNOWN', kind);
        expect(s.narrate(of(timer))).not.toBe(fallback);
      }
    }
  });
});

describe('the narration fits its two rows at 80 columns', () => {
  it.each(['blog-chat', 'lost-syn', 'invalid-utf8', 'zero-window'])(
    '%s: every sentence but received messages (user text) is at most 160 columns, en and zh',
    (name) => {
      const session = createSession(loadScenario(name));
      const long: string[] = [];
      for (let c = 0; c < session.trace.length; c++) {
        const n = session.viewAt(c).narration;
        if (n === undefined || n.key === 'ws-message') continue;
        for (const s of [en, zh]) if (textWidth(s.narrate(n)) > 160) long.push(s.narrate(n));
      }
      expect(long).toEqual([]);
    },
  );
});

describe('RFC 9293 3.8.1: only what takes sequence space is retransmitted', () => {
  it.each([
    ['a bare ACK', ack, /never retransmitted: a later ACK covers it/, /不带数据的 ACK 从不重传/],
    [
      'a RST',
      arrow({ segmentId: 4, flags: ['RST'], seq: 1 }),
      /a reset is never retransmitted/,
      /RST 从不重传/,
    ],
    [
      'data',
      arrow({ segmentId: 5, flags: ['PSH', 'ACK'], seq: 1, ack: 1, len: 20 }),
      /will send it again/,
      /会重传它/,
    ],
    ['a SYN', syn, /will send it again/, /会重传它/],
  ])('a lost %s is narrated as its fate really is', (_what, a, english, chinese) => {
    const n: Narration = { key: 'segment-lost', arrow: { ...a, fate: 'dropped' }, reason: 'loss' };
    expect(en.narrate(n)).toMatch(english);
    expect(zh.narrate(n)).toMatch(chinese);
  });

  it('a lost bare ACK is never said to be resent, in any library run that loses one', () => {
    const session = createSession(loadScenario('lost-handshake-ack'));
    const said: string[] = [];
    for (let c = 0; c < session.trace.length; c++) {
      const n = session.viewAt(c).narration;
      if (n?.key === 'segment-lost' && n.arrow.len === 0 && n.arrow.flags.join() === 'ACK')
        said.push(en.narrate(n));
    }
    expect(said.length).toBeGreaterThan(0);
    for (const s of said) expect(s).not.toMatch(/will (resend|send it again)/);
  });
});

describe('RFC 6298 5.5: a retransmitted SYN is not the first handshake segment', () => {
  it('lost-syn: the second SYN is narrated as sent again, with the same ISN', () => {
    const session = createSession(loadScenario('lost-syn'));
    const syns: string[] = [];
    for (let c = 0; c < session.trace.length; c++) {
      const n = session.viewAt(c).narration;
      if (n?.key === 'segment-sent' && n.arrow.flags.join() === 'SYN')
        syns.push(en.narrate(n), zh.narrate(n));
    }
    expect(syns[0]).toContain('sends the first handshake segment');
    expect(syns[2]).toContain('sends its SYN again');
    expect(syns[2]).not.toContain('first handshake segment');
    expect(syns[3]).toContain('重传 SYN');
  });
});

describe('Chinese reads as Chinese (a native-level pass)', () => {
  it('"last transition" is 最近一次转换, not 上一步 (which means "the previous step")', () => {
    expect(zh.ui.lastTransition).toBe('最近一次转换');
  });

  it.each([
    [
      "intervention after event 17: client's WebSocket is CONNECTING, not OPEN",
      '第 18 个事件之后的干预：client 的 WebSocket 处于 CONNECTING 状态，而不是 OPEN',
    ],
    ['client has no connection to abort', 'client 没有可以执行 abort 的连接'],
    ['something new', 'something new'],
  ])("the runner's reason %j reads in Chinese as %j", (message, chinese) => {
    expect(zh.failure(message)).toBe(chinese);
    expect(en.failure(message)).toBe(message);
  });

  /** Words a Chinese sentence keeps as written: protocol names, fields, states, opcodes, API names. */
  const KEPT = new Set(
    (
      'client server alice bob seq ack len ms cwnd ssthresh readyState WebSocket HTTP Upgrade websocket ' +
      'Sec-WebSocket-Key Sec-WebSocket-Accept Sec-WebSocket-Version Switching Protocols Host Connection GET ' +
      'base64 SHA key text binary close ping pong continuation masked cont WS RFC TCP SYN ACK FIN RST PSH URG ' +
      'UTF connect connection end drain listen send abort shutdown RTO MSL Linux MTU'
    ).split(' '),
  );

  it.each([
    'blog-chat',
    'lost-syn',
    'lost-handshake-ack',
    'closed-port',
    'zero-window',
    'invalid-utf8',
    'half-close',
  ])('%s: no English word is left inside a Chinese sentence', (name) => {
    const session = createSession(loadScenario(name));
    const english = new Set<string>();
    for (let c = 0; c < session.trace.length; c++) {
      const n = session.viewAt(c).narration;
      if (n === undefined || n.key === 'ws-message') continue;
      // Quoted text is the protocol's own (an HTTP start line, a close reason); f() is an API call.
      const said = zh.narrate(n).replace(/"[^"]*"|'[^']*'|“[^”]*”|\w+\(\)|base64/g, '');
      for (const w of said.match(/[A-Za-z][A-Za-z-]{2,}/g) ?? []) {
        if (!KEPT.has(w) && !/^[A-Z0-9-]+$/.test(w)) english.add(w);
      }
    }
    expect([...english]).toEqual([]);
  });
});
