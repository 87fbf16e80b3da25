import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../src/app.js';
import type { PlaybackSession } from '../src/model.js';
import { en } from '../src/narration/en.js';
import { zh } from '../src/narration/zh.js';
import { FakeSession } from './fake-session.js';

const SCENARIOS = [
  { name: 'blog-chat', title: "The blog's chat exchange" },
  { name: 'lost-syn', title: 'A lost SYN' },
];

const opened: { name: string; seed: number | undefined }[] = [];
const open = (name: string, seed: number | undefined): PlaybackSession => {
  opened.push({ name, seed });
  return new FakeSession(seed ?? 17122);
};

const tick = () => new Promise((r) => setTimeout(r, 30));
let app: ReturnType<typeof render> | undefined;

async function start(opts: { rows?: number; columns?: number; lang?: 'zh' } = {}) {
  app = render(
    <App
      scenarios={SCENARIOS}
      open={open}
      scenario="blog-chat"
      strings={opts.lang === 'zh' ? zh : en}
      columns={opts.columns ?? 100}
      rows={opts.rows ?? 40}
      autoplay={false}
    />,
  );
  for (let i = 0; i < 100 && !app.lastFrame()?.includes('synack'); i++) await tick();
  return app;
}

/** Waits (bounded) until the frame changes, so a loaded machine does not make the test flaky. */
async function settle(before: string | undefined) {
  for (let i = 0; i < 40 && app?.lastFrame() === before; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 5));
}

async function press(...keys: string[]) {
  for (const k of keys) {
    const before = app?.lastFrame();
    app?.stdin.write(k);
    await settle(before);
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

describe('a paused UI does no work', () => {
  it('paused: no frames and no timers over 300 ms; playing: ticks arm timers and draw frames', async () => {
    const ui = await start();
    const realSetTimeout = globalThis.setTimeout;
    let armed = 0;
    const count = async () => {
      const frames = ui.frames.length;
      armed = 0;
      globalThis.setTimeout = ((fn: () => void, ms?: number) => {
        armed++;
        return realSetTimeout(fn, ms);
      }) as typeof setTimeout;
      await new Promise((r) => realSetTimeout(r, 300));
      globalThis.setTimeout = realSetTimeout;
      return { frames: ui.frames.length - frames, timers: armed };
    };
    expect(await count()).toEqual({ frames: 0, timers: 0 });
    ui.stdin.write(' ');
    const playing = await count();
    expect(playing.frames).toBeGreaterThan(0);
    expect(playing.timers).toBeGreaterThan(0);
  });
});

describe('key flows', () => {
  it('step: → shows the first handshake segment and narrates SYN-SENT', async () => {
    await start();
    const f = await press(RIGHT, RIGHT);
    expect(f).toContain('event 2/12');
    expect(f).toMatch(/SYN seq=0 ack=0 len=0/);
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
    expect(overlay).toMatch(/synRetries +6 +.*gives up after 131s/);
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
    await start();
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
    await press('G', 'g', '=', '=', '=', '=', '=', '=', ' ');
    let f = app?.lastFrame() ?? '';
    for (let i = 0; i < 100 && !f.includes('event 12/12'); i++) {
      await tick();
      f = app?.lastFrame() ?? '';
    }
    expect(f).toContain('event 12/12');
    expect(f).toContain('paused');
  });

  it('narrates in Chinese with --lang zh', async () => {
    await start({ lang: 'zh' });
    expect(await press(RIGHT, RIGHT)).toContain('发出握手的第一个报文段');
  });
});
