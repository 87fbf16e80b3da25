// tsx run from the repo root sees no tsconfig: ask esbuild for the automatic JSX runtime here.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
/**
 * `pnpm bench` for the TUI:
 *  1. render time per frame on a real trace of more than 10,000 events (the library's lossy-1mib),
 *     through React and Ink's layout and output, at 120x40; also what viewAt costs per step. The
 *     JIT is warmed first on another scenario's frames (timed and printed too: a fresh process's
 *     first frames), and the same frames are drawn again with Ink's line caches emptied before each
 *     frame, as unpatched Ink has them (patches/ink@6.8.0.patch);
 *  2. that a paused UI does no work: frames drawn and timers armed over one second, paused vs playing.
 * Prints a table; the numbers go into README.md.
 */
import { performance } from 'node:perf_hooks';
import { createSession, listScenarios, loadScenario } from '@synack/scenarios';
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { App, Header, Screen } from '../src/app.js';
import { layoutFor } from '../src/layout.js';
import { en } from '../src/narration/en.js';
import { initialPlayerState } from '../src/state/player.js';

const SCENARIO = 'lossy-1mib';
const FRAMES = 300;
/** Frames of another scenario drawn first, so the measured frames are not the JIT's warm-up. */
const WARMUP_SCENARIO = 'zero-window';
const WARMUP_FRAMES = 60;

/** Ink's output stage, by file (the package exports only its entry): our patch's shared line caches. */
const inkOutput = (await import(new URL('./output.js', import.meta.resolve('ink')).href)) as {
  sharedCaches: { clear(): void };
};

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), max: s.at(-1) ?? 0 };
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

type Pane = 'diagram' | 'inspector';
const PANES: readonly Pane[] = ['diagram', 'inspector'];

async function renderTimes() {
  const t0 = performance.now();
  const session = createSession(loadScenario(SCENARIO));
  const runMs = performance.now() - t0;
  const total = session.trace.length;
  const layout = layoutFor(120, 40, 'diagram');
  const inspectorLayout = layoutFor(120, 40, 'inspector');
  const cursors = Array.from({ length: FRAMES }, (_, i) => Math.floor(((i + 1) * (total - 1)) / FRAMES));

  // viewAt going forward (incremental) and one step back (a replay from the start of the trace).
  const forward: number[] = [];
  for (const c of cursors) {
    const t = performance.now();
    session.viewAt(c);
    forward.push(performance.now() - t);
  }
  const back: number[] = [];
  for (const c of cursors.slice(-20)) {
    session.viewAt(c);
    const t = performance.now();
    session.viewAt(c - 1);
    back.push(performance.now() - t);
  }

  const views = cursors.map((c) => session.viewAt(c));
  const screen = (s: typeof session, view: (typeof views)[number], scenario: string, pane: Pane) => {
    const state = {
      ...initialPlayerState(scenario, undefined, false),
      cursor: view.cursor,
      time: view.time,
      pane,
    };
    const header = <Header state={state} view={view} strings={en} title="" seed={s.seed} />;
    return (
      <Screen
        state={state}
        view={view}
        layout={pane === 'diagram' ? layout : inspectorLayout}
        strings={en}
        header={header}
      />
    );
  };
  const frame = (i: number, pane: Pane) => {
    const view = views[i % views.length];
    if (view === undefined) throw new Error('no view');
    return screen(session, view, SCENARIO, pane);
  };
  /** Wall time of one rerender, and this process's CPU time (on a shared machine: what it costs). */
  const timed = (el: ReturnType<typeof frame>) => {
    const c = process.cpuUsage();
    const t = performance.now();
    ui.rerender(el);
    const wall = performance.now() - t;
    const used = process.cpuUsage(c);
    return { wall, cpu: (used.user + used.system) / 1000 };
  };
  const ui = render(frame(0, 'diagram'));
  // A fresh process's first frames run cold code (the JIT has not compiled React, Ink or the app yet):
  // another scenario's frames, both panes, take that, and are reported on their own line.
  const other = createSession(loadScenario(WARMUP_SCENARIO));
  const coldWall: number[] = [];
  const coldCpu: number[] = [];
  for (let i = 0; i < WARMUP_FRAMES; i++) {
    const view = other.viewAt(Math.floor(((i + 1) * (other.trace.length - 1)) / WARMUP_FRAMES));
    const r = timed(screen(other, view, WARMUP_SCENARIO, i % 2 === 0 ? 'diagram' : 'inspector'));
    coldWall.push(r.wall);
    coldCpu.push(r.cpu);
  }
  const times: Record<Pane, number[]> = { diagram: [], inspector: [] };
  const cpu: Record<Pane, number[]> = { diagram: [], inspector: [] };
  for (const pane of PANES) {
    for (let i = 0; i < FRAMES; i++) {
      const r = timed(frame(i, pane));
      times[pane].push(r.wall);
      cpu[pane].push(r.cpu);
    }
  }
  // The same frames with Ink's line caches emptied before each one, as unpatched Ink has them (a
  // cache per frame); the patch's other changes stay, so this is what keeping lines across frames buys.
  const uncached: Record<Pane, number[]> = { diagram: [], inspector: [] };
  for (const pane of PANES) {
    for (let i = 0; i < FRAMES; i++) {
      inkOutput.sharedCaches.clear();
      uncached[pane].push(timed(frame(i, pane)).cpu);
    }
  }
  const lines = (ui.lastFrame() ?? '').split('\n').length;
  // The floor: the same number of plain, uncoloured 120-column lines through the same Ink pipeline,
  // in a box as wide as the screen's (ink-testing-library's stdout is 100 columns: without the width
  // Ink would wrap every line, and the floor would measure wrap-ansi instead).
  const plain = (i: number) => (
    <Box flexDirection="column" width={120}>
      {Array.from({ length: 39 }, (_, row) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions
        <Text key={row}>{`${i} ${row} `.padEnd(120, 'x')}</Text>
      ))}
    </Box>
  );
  const baseWall: number[] = [];
  const baseCpu: number[] = [];
  ui.rerender(plain(0));
  for (let i = 1; i <= FRAMES; i++) {
    const r = timed(plain(i));
    baseWall.push(r.wall);
    baseCpu.push(r.cpu);
  }
  const arrows = views.at(-1)?.arrows.length ?? 0;
  ui.unmount();
  return {
    total,
    arrows,
    runMs,
    forward: stats(forward),
    back: stats(back),
    times,
    cpu,
    uncached,
    cold: { wall: stats(coldWall), cpu: stats(coldCpu) },
    lines,
    baseWall,
    baseCpu,
  };
}

/** Counts frames written and timers armed by the App over one real second. */
async function pausedWork() {
  const session = createSession(loadScenario(SCENARIO));
  const scenarios = listScenarios().map(({ name, title }) => ({ name, title }));
  const realSetTimeout = globalThis.setTimeout;
  let armed = 0;
  const counting = ((fn: () => void, ms?: number) => {
    armed++;
    return realSetTimeout(fn, ms);
  }) as typeof setTimeout;
  const ui = render(
    <App
      scenarios={scenarios}
      open={() => session}
      scenario={SCENARIO}
      strings={en}
      columns={120}
      rows={40}
      autoplay={false}
    />,
  );
  const sleep = (ms: number) => new Promise((r) => realSetTimeout(r, ms));
  await sleep(300);
  const measure = async () => {
    const frames0 = ui.frames.length;
    armed = 0;
    globalThis.setTimeout = counting;
    await sleep(1000);
    globalThis.setTimeout = realSetTimeout;
    return { frames: ui.frames.length - frames0, timers: armed };
  };
  const paused = await measure();
  ui.stdin.write(' ');
  await sleep(50);
  const playing = await measure();
  ui.stdin.write(' ');
  await sleep(100);
  const pausedAgain = await measure();
  ui.unmount();
  return { paused, playing, pausedAgain };
}

const { loadavg, cpus } = await import('node:os');
const r = await renderTimes();
console.log(
  `TUI render bench: ${SCENARIO}, ${r.total} trace events, ${r.arrows} segments in the last view, 120x40`,
);
console.log(`  machine: ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)}`);
console.log(`  simulation run (createSession):      ${fmt(r.runMs)}`);
console.log(
  `  viewAt, stepping forward:            median ${fmt(r.forward.median)}  p95 ${fmt(r.forward.p95)}`,
);
console.log(`  viewAt, one step back (replay):      median ${fmt(r.back.median)}  p95 ${fmt(r.back.p95)}`);
console.log(
  `  first frames of the process (JIT cold; ${WARMUP_FRAMES} frames of ${WARMUP_SCENARIO}, both panes): wall median ${fmt(r.cold.wall.median)} p95 ${fmt(r.cold.wall.p95)} max ${fmt(r.cold.wall.max)}; CPU median ${fmt(r.cold.cpu.median)} p95 ${fmt(r.cold.cpu.p95)}`,
);
for (const pane of PANES) {
  const s = stats(r.times[pane]);
  const c = stats(r.cpu[pane]);
  console.log(
    `  frame render (React + Ink), ${pane.padEnd(9)}: wall median ${fmt(s.median)} p95 ${fmt(s.p95)} max ${fmt(s.max)}; CPU median ${fmt(c.median)} p95 ${fmt(c.p95)}  (${FRAMES} frames, ${r.lines} lines)`,
  );
}
for (const pane of PANES) {
  const u = stats(r.uncached[pane]);
  console.log(
    `  same frames, Ink's line caches emptied before each (per frame, as unpatched Ink keeps them), ${pane.padEnd(9)}: CPU median ${fmt(u.median)} p95 ${fmt(u.p95)}`,
  );
}
const bw = stats(r.baseWall);
const bc = stats(r.baseCpu);
console.log(
  `  floor: 39 plain 120-column lines, same Ink: wall median ${fmt(bw.median)}; CPU median ${fmt(bc.median)}`,
);
for (const pane of PANES) {
  console.log(
    `  ratio ${pane} frame / floor (CPU median): ${(stats(r.cpu[pane]).median / bc.median).toFixed(2)}x`,
  );
}
const w = await pausedWork();
console.log('Work over one second (frames drawn / timers armed):');
console.log(`  paused:        ${w.paused.frames} frames, ${w.paused.timers} timers`);
console.log(`  playing:       ${w.playing.frames} frames, ${w.playing.timers} timers`);
console.log(`  paused again:  ${w.pausedAgain.frames} frames, ${w.pausedAgain.timers} timers`);
if (w.paused.frames !== 0 || w.paused.timers !== 0 || w.pausedAgain.timers !== 0) {
  console.error('a paused UI did work');
  process.exitCode = 1;
}
process.exit();
