import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { countdownBar, endpointRows } from '../src/components/endpoint.js';
import { Help } from '../src/components/Help.js';
import { inspectorRows } from '../src/components/inspector.js';
import { Ladder } from '../src/components/Ladder.js';
import { arrivalTimes, linkCells, windowStart } from '../src/components/ladder.js';
import { Picker } from '../src/components/Picker.js';
import { StateDiagram } from '../src/components/StateDiagram.js';
import { Lines, rowText } from '../src/components/spans.js';
import { DIAGRAM_EDGES, diagramRows } from '../src/components/state-diagram.js';
import { annotatePacket, bytesFromHex } from '../src/inspect/annotate.js';
import { en } from '../src/narration/en.js';
import { zh } from '../src/narration/zh.js';
import { PLAYBACK_BINDINGS } from '../src/state/keymap.js';
import { arrow, blogView, endpoint } from './fixtures.js';

const frameOf = (el: React.ReactElement) => {
  const r = render(el);
  const out = r.lastFrame() ?? '';
  r.unmount();
  return out;
};

describe('Ladder: one arrow per segment, time going down', () => {
  const view = blogView();

  it('draws the handshake left to right and right to left with flags, seq, ack, len', () => {
    const f = frameOf(
      <Ladder arrows={view.arrows} time={17} selected={undefined} width={140} height={10} left="client" />,
    );
    const lines = f.split('\n');
    expect(lines[0]).toMatch(/client\s+server/);
    expect(f).toMatch(/\|-+>\| +SYN seq=0 len=0/);
    expect(f).toMatch(/\|<-+\| +SYN,ACK seq=0 ack=1 len=0/);
    expect(f).toMatch(/PSH,ACK seq=1 ack=1 len=25 \| WS text "type=add&ming=Muxer" \(masked\)/);
  });

  it('a segment in flight is drawn part-way across, in proportion to virtual time', () => {
    const a = arrow({ segmentId: 9, sentAt: 0, endAt: 10, fate: 'in-flight' });
    expect(linkCells(a, 0, 10, true)).toBe('>         ');
    expect(linkCells(a, 5, 10, true)).toBe('---->     ');
    expect(linkCells(a, 10, 10, true)).toBe('--------->');
    expect(linkCells({ ...a, from: 'server' }, 5, 10, false)).toBe('     <----');
  });

  it('the arrival of a segment still in flight is read off the whole trace when the view does not know it', () => {
    const trace = [
      { time: 0, type: 'segment.sent', segmentId: 7 },
      { time: 3, type: 'tcp.state' },
      { time: 10, type: 'segment.delivered', segmentId: 7 },
      { time: 12, type: 'segment.delivered', segmentId: 7 },
    ];
    const arrivals = arrivalTimes(trace);
    expect(arrivals.get(7)).toBe(10);
    const a = arrow({ segmentId: 7, sentAt: 0, endAt: undefined, fate: 'in-flight' });
    // Without arrivals an in-flight arrow of unknown trip is drawn half-way.
    expect(linkCells(a, 2, 10, true)).toBe('---->     ');
    expect(linkCells(a, 2, 10, true, arrivals)).toBe('->        ');
    expect(linkCells(a, 5, 10, true, arrivals)).toBe('---->     ');
  });

  it.each([
    ['dropped', { fate: 'dropped' }, /\|-+X +\| LOST/],
    ['corrupted', { fate: 'corrupted' }, /\|~+X\| BAD/],
    ['duplicated', { copy: 1 }, /\|=+>\| DUP/],
    ['retransmitted', { retransmission: true }, /\|-+>\| RTX/],
  ] as const)('a %s segment has its own stroke and tag, readable without colour', (_name, over, pattern) => {
    const a = arrow({ segmentId: 1, ...over });
    expect(
      frameOf(<Ladder arrows={[a]} time={5} selected={undefined} width={90} height={3} left="client" />),
    ).toMatch(pattern);
  });

  it('only the rows that fit are drawn, and the selected segment is on screen and marked', () => {
    const many = Array.from({ length: 5000 }, (_, i) => arrow({ segmentId: i, sentAt: i }));
    const f = frameOf(
      <Ladder arrows={many} time={5000} selected={1234} width={100} height={8} left="client" />,
    );
    expect(f.split('\n')).toHaveLength(8);
    expect(f).toMatch(/>\|/);
    expect(f).toContain('1234.000');
    expect(windowStart(5000, 7, 4999)).toBe(4993);
    expect(windowStart(3, 7, 2)).toBe(0);
  });
});

describe('StateDiagram: RFC 9293 Figure 5 with the current states lit', () => {
  it('draws every state of the RFC figure and every transition it names', () => {
    const text = diagramRows([], 'last').map(rowText).join('\n');
    for (const s of ['CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RCVD', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2']) {
      expect(text).toContain(s);
    }
    for (const s of ['CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT', 'rcv SYN,ACK/snd ACK', '2MSL']) {
      expect(text).toContain(s);
    }
    expect(DIAGRAM_EDGES.size).toBe(15);
  });

  it('lights each endpoint state in its colour and traces its last transition', () => {
    const last = { from: 'SYN-SENT', to: 'ESTABLISHED', time: 10, cause: '' } as const;
    const rows = diagramRows(
      [
        { name: 'client', state: 'ESTABLISHED', last, color: 'green' },
        { name: 'server', state: 'SYN-RCVD', last: undefined, color: 'cyan' },
      ],
      'last',
    );
    const spans = rows.flat();
    expect(spans.find((s) => s.text === 'ESTABLISHED')).toMatchObject({ inverse: true, color: 'green' });
    expect(spans.find((s) => s.text === 'SYN-RCVD')).toMatchObject({ inverse: true, color: 'cyan' });
    expect(spans.find((s) => s.text === 'LISTEN')?.inverse).toBeUndefined();
    const traced = spans.filter((s) => s.bold && s.color === 'green' && !s.inverse).map((s) => s.text);
    expect(traced.join('')).toContain('rcv SYN,ACK/snd ACK');
    const f = frameOf(
      <StateDiagram
        marks={[{ name: 'client', state: 'ESTABLISHED', last, color: 'green' }]}
        lastWord="last"
      />,
    );
    expect(f).toContain('client ESTABLISHED  last: SYN-SENT -> ESTABLISHED');
  });

  it('CLOSED is lit at the top before the connection starts and at the bottom after it ends', () => {
    const top = diagramRows([{ name: 'c', state: 'CLOSED', last: undefined, color: 'green' }], 'last');
    const end = diagramRows(
      [
        {
          name: 'c',
          state: 'CLOSED',
          last: { from: 'TIME-WAIT', to: 'CLOSED', time: 0, cause: '' },
          color: 'green',
        },
      ],
      'last',
    );
    const litRow = (rows: typeof top) =>
      rows.findIndex((r) => r.some((s) => s.text === 'CLOSED' && s.inverse));
    expect(litRow(top)).toBe(0);
    expect(litRow(end)).toBe(14);
  });
});

describe('Tcb and Timers', () => {
  it('shows SND.UNA, SND.NXT, RCV.NXT, windows and cwnd with RFC names', () => {
    const e = endpoint({
      name: 'client',
      tcb: { iss: 7, irs: 9, sndUna: 1, sndNxt: 26, sndWnd: 64240, rcvNxt: 1, rcvWnd: 65535, cwnd: 14600 },
    });
    const f = frameOf(<Lines rows={endpointRows(e, 0, 80, 'green', 'none')} />);
    expect(f).toContain('client 10.0.0.1:50000  TCP ESTABLISHED  WS OPEN (1)');
    expect(f).toContain('SND.UNA 1  SND.NXT 26  SND.WND 64240');
    expect(f).toContain('RCV.NXT 1  RCV.WND 65535');
    expect(f).toContain('cwnd 14600');
  });

  it('a timer is a countdown bar that empties as its deadline approaches', () => {
    const t = { kind: 'RTO', setAt: 0, deadline: 1000 };
    expect(countdownBar(t, 0, 10)).toBe('##########');
    expect(countdownBar(t, 750, 10)).toBe('###.......');
    expect(countdownBar(t, 2000, 10)).toBe('..........');
    const e = endpoint({ name: 'server', timers: [{ kind: '2MSL', setAt: 0, deadline: 240000 }] });
    expect(frameOf(<Lines rows={endpointRows(e, 120000, 80, 'cyan', 'none')} />)).toMatch(
      /2MSL\s+#+\.+ 120s/,
    );
  });
});

describe('Inspector: bytes coloured and labelled by field', () => {
  const a = blogView().arrows[3];
  const fields = annotatePacket(bytesFromHex(a?.hex ?? ''));

  it('lists IP, TCP and WebSocket fields with their bytes, and the payload unmasked', () => {
    const f = frameOf(<Lines rows={inspectorRows(a, fields, 40, 110, 0, 'none')} />);
    expect(f).toMatch(/#4 client->server 65 bytes/);
    expect(f).toMatch(/0000 {2}45 +IP version \/ IHL +4 \/ 20 bytes/);
    expect(f).toMatch(/0014 {2}c3 50 +TCP source port +50000/);
    expect(f).toMatch(/0028 {2}81 +WS FIN \/ RSV \/ opcode +FIN=1 RSV=000 opcode=1 \(text\)/);
    expect(f).toMatch(/002a {2}37 fa 21 3d +WS masking key/);
    expect(f).toMatch(/WS masked payload +"type=add&ming=Muxer"/);
  });

  it('is windowed: a short pane shows a scroll hint, and scrolling moves the fields', () => {
    const short = inspectorRows(a, fields, 6, 110, 0, 'none').map(rowText);
    expect(short).toHaveLength(6);
    expect(short.at(-1)).toMatch(/more fields/);
    const scrolled = inspectorRows(a, fields, 6, 110, 8, 'none').map(rowText).join('\n');
    expect(scrolled).not.toContain('IP version');
  });

  it('without a segment it says so', () => {
    expect(rowText(inspectorRows(undefined, [], 5, 80, 0, 'no segment')[0] ?? [])).toBe('no segment');
  });
});

describe('Help and Picker', () => {
  it('help lists every key binding with its meaning, in English and in Chinese', () => {
    const f = frameOf(<Help strings={en} rows={40} columns={100} />);
    for (const b of PLAYBACK_BINDINGS) expect(f).toContain(en.help[b.help]);
    expect(frameOf(<Help strings={zh} rows={40} columns={100} />)).toContain('丢掉下一个报文段');
  });

  it('at 24 rows help uses two columns and still shows every binding', () => {
    const f = frameOf(<Help strings={en} rows={20} columns={100} />);
    expect(f.split('\n').length).toBeLessThanOrEqual(20);
    for (const b of PLAYBACK_BINDINGS) expect(f).toContain(en.help[b.help].slice(0, 20));
  });

  it('the picker marks the choice and the current scenario', () => {
    const scenarios = [
      { name: 'blog-chat', title: "The blog's chat exchange" },
      { name: 'lost-syn', title: 'A lost SYN' },
    ];
    const f = frameOf(
      <Picker scenarios={scenarios} index={1} current="blog-chat" strings={en} rows={10} columns={80} />,
    );
    expect(f).toMatch(/ • blog-chat/);
    expect(f).toMatch(/▸ {2}lost-syn/);
  });
});
