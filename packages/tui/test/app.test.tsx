import { textWidth } from '@synack/scenarios';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../src/app.js';
import type { PlaybackSession } from '../src/model.js';
import { en } from '../src/narration/en.js';
import { zh } from '../src/narration/zh.js';
import { FakeSession } from './fake-session.js';
import { FakeClock, flush } from './ui-driver.js';

const SCENARIOS = [
  { name: 'blog-chat', title: "The blog's chat exchange" },
  { name: 'lost-syn', title: 'A lost SYN' },
];

const opened: { name: string; seed: number | undefined }[] = [];
const open = (name: string, seed: number | undefined): PlaybackSession => {
  opened.push({ name, seed });
  return new FakeSession(seed ?? 17122);
};

let app: ReturnType<typeof render> | undefined;
let clock = new FakeClock();

async function start(opts: { rows?: number; columns?: number; lang?: 'zh' } = {}) {
  clock = new FakeClock();
  app = render(
    <App
      scenarios={SCENARIOS}
      open={open}
      scenario="blog-chat"
      strings={opts.lang === 'zh' ? zh : en}
      columns={opts.columns ?? 100}
      rows={opts.rows ?? 40}
      autoplay={false}
      clock={clock}
    />,
  );
  await flush();
  return app;
}

/** Each argument is one read of the terminal (so 'lll' is three keys in one read). */
async function press(...keys: string[]) {
  for (const k of keys) {
    app?.stdin.write(k);
    await flush();
  }
  return app?.lastFrame() ?? '';
}

const RIGHT = '\u001b[C';
const LEFT = '\u001b[D';
const DOWN = '\u001b[B';

afterEach(() => {
  app?.unmount();
  app = undefined;
  opened.length = 0;
});

describe('the TUI at start', () => {
  it('shows the scenario, paused, with both endpoints, the state diagram and a hint', async () => {
    const f = (await start()).lastFrame() ?? '';
    expect(f).toContain('blog-chat');
    expect(f).toContain('paused');
    expect(f).toContain('event 0/12');
    expect(f).toMatch(/client 10\.0\.0\.1:50000 +TCP CLOSED/);
    expect(f).toMatch(/server 10\.0\.0\.2:17122 +TCP LISTEN/);
    expect(f).toContain('passive OPEN');
    expect(f).toContain('Press space to play');
  });

  it('keeps the frame shorter than the terminal, at 80x24 too', async () => {
    for (const [columns, rows] of [
      [80, 24],
      [100, 40],
      [120, 40],
    ] as const) {
      const f = (await start({ columns, rows })).lastFrame() ?? '';
      expect(f.split('\n').length).toBeLessThan(rows);
      app?.unmount();
    }
  });
});

describe('the header always ends with the help hint (issue: it fell off at 80 columns)', () => {
  it.each([
    [60, 'en'],
    [80, 'en'],
    [100, 'en'],
    [80, 'zh'],
    [120, 'zh'],
  ] as const)('%i columns, %s: the first row fits and ends with the hint', async (columns, lang) => {
    const f = (await start({ columns, rows: 24, ...(lang === 'zh' ? { lang } : {}) })).lastFrame() ?? '';
    const header = f.split('\n')[0] ?? '';
    expect(textWidth(header)).toBeLessThanOrEqual(columns);
    expect(header.trimEnd().endsWith(lang === 'zh' ? '? 帮助' : '? help')).toBe(true);
    expect(header).toContain('event 0/12'.replace('event', lang === 'zh' ? '事件' : 'event'));
  });
});

describe('a paused UI does no work', () => {
  it('paused: no timer armed and no frame drawn however long the clock runs; playing: ticks do both', async () => {
    const ui = await start();
    const frames = ui.frames.length;
    await clock.advance(10_000);
    expect({ frames: ui.frames.length - frames, timers: clock.armed, pending: clock.pending }).toEqual({
      frames: 0,
      timers: 0,
      pending: 0,
    });
    await press(' ');
    expect(clock.pending).toBe(1);
    await clock.advance(400);
    expect(clock.armed).toBeGreaterThan(1);
    expect(ui.frames.length - frames).toBeGreaterThan(2);
  });
});

describe('key flows', () => {
  it('step: → shows the first handshake segment and narrates SYN-SENT', async () => {
    await start();
    const f = await press(RIGHT, RIGHT);
    expect(f).toContain('event 2/12');
    expect(f).toMatch(/SYN seq=0 len=0/);
    expect(f).toContain('client sends the first handshake segment');
    expect(f).toMatch(/TCP SYN-SENT/);
  });

  it('back: ← returns to exactly the previous frame (time travel by replay)', async () => {
    await start();
    const one = await press(RIGHT, RIGHT, RIGHT);
    await press(RIGHT);
    expect(await press(LEFT)).toBe(one);
  });

  it('s jumps to the next state change', async () => {
    await start();
    const f = await press(RIGHT, 's');
    expect(f).toContain('event 4/12');
    expect(f).toContain('server received a SYN and answered SYN+ACK');
  });

  it('drop: d then play marks the next segment LOST and the narration says so', async () => {
    await start();
    await press(RIGHT, RIGHT, RIGHT, 'd');
    expect(app?.lastFrame()).toContain('the next segment will be dropped');
    const f = await press('s', RIGHT, RIGHT, RIGHT, RIGHT);
    expect(f).toMatch(/X.*LOST.*SYN,ACK/);
  });

  it('m sends a message from the client, which appears on the ladder', async () => {
    await start();
    await press('G', 'm', ' ');
    let f = '';
    for (let i = 0; i < 200 && !f.includes('hello #1 from the TUI'); i++) f = await press('l');
    expect(f).toContain('WS text "hello #1 from the TUI" (masked)');
  });

  it('help: ? shows every key, and ? again returns to the ladder', async () => {
    await start();
    const help = await press('?');
    expect(help).toContain('drop the next segment');
    expect(help).toContain('restart with a new seed');
    expect(await press('?')).toContain('passive OPEN');
  });

  it('profile: the header names it (* = overridden), t lists every number, t again closes', async () => {
    const first = await start();
    expect(first.lastFrame()).toContain('profile linux*');
    const overlay = await press('t');
    expect(overlay).toContain('TCP profile: linux');
    // The scenario's own MSL (5 s) is marked, with the TIME-WAIT it implies; linux values elsewhere.
    expect(overlay).toMatch(/\* msl +5s +.*TIME-WAIT 10s/);
    expect(overlay).toMatch(/ {2}rtoMin +200ms/);
    expect(overlay).toMatch(/synRetries +6 +.*gives up after 127s/);
    expect(await press('t')).toContain('passive OPEN');
  });

  it('profile at 80x24: every field still shows, in two columns', async () => {
    await start({ columns: 80, rows: 24 });
    const overlay = await press('t');
    for (const field of [
      'rtoInitial',
      'msl',
      'initialWindow',
      'windowScale',
      'timestamps',
      'finWait2Timeout',
    ]) {
      expect(overlay).toContain(field);
    }
    expect(overlay.split('\n').length).toBeLessThan(24);
  });

  it('picker: o lists scenarios, ↓ enter opens the next one', async () => {
    await start();
    const picker = await press('o');
    expect(picker).toContain('Open a scenario');
    expect(picker).toContain('lost-syn');
    const f = await press(DOWN, '\r');
    expect(f).toContain('lost-syn');
    expect(opened.at(-1)).toEqual({ name: 'lost-syn', seed: undefined });
  });

  it('r restarts with a new seed shown in the header', async () => {
    await start({ columns: 140 });
    const f = await press('r');
    expect(opened.at(-1)?.seed).not.toBe(17122);
    expect(f).toContain(`seed ${opened.at(-1)?.seed}`);
  });

  it('i switches to the inspector, which labels the selected segment bytes', async () => {
    await start();
    const f = await press(RIGHT, RIGHT, 'i');
    expect(f).toContain('#1 client->server');
    expect(f).toMatch(/0009 +06 +IP protocol +TCP/);
  });

  it('space plays: ticks advance virtual time until the end, then stop', async () => {
    await start();
    await press('G', 'g', '======', ' ');
    await clock.advance(60_000);
    const f = app?.lastFrame() ?? '';
    expect(f).toContain('event 12/12');
    expect(clock.pending).toBe(0);
    expect(f).toContain('paused');
  });

  it('keys that arrive in one read all count: lll steps three events, as three reads do', async () => {
    await start();
    const coalesced = await press('lll');
    expect(coalesced).toContain('event 3/12');
    await press('g', 'l', 'l', 'l');
    expect(app?.lastFrame()).toBe(coalesced);
  });

  it('a count before a key repeats it: 10l steps ten events, 3h three back, 5G goes to event 5', async () => {
    await start();
    expect(await press('10l')).toContain('event 10/12');
    expect(await press('3', 'h')).toContain('event 7/12');
    expect(await press('5G')).toContain('event 5/12');
  });

  it('narrates in Chinese with --lang zh', async () => {
    await start({ lang: 'zh' });
    expect(await press(RIGHT, RIGHT)).toContain('发出三次握手的第一个报文段');
  });
});
