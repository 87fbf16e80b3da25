import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  initialPlayerState,
  MAX_GAP_REAL_MS,
  nextSeed,
  type PlayerAction,
  type PlayerContext,
  type PlayerState,
  playerReducer,
  SPEEDS,
  TICK_MS,
} from '../src/state/player.js';

/** A context over a trace whose event i happens at times[i]; state changes at `changes`. */
function contextOf(
  times: readonly number[],
  changes: readonly number[] = [],
  ids: number[] = [],
): PlayerContext {
  return {
    total: times.length,
    timeAt: (c) => (c < 0 ? 0 : (times[c] ?? 0)),
    nextStateChange: (c) => changes.find((i) => i > c),
    segmentIdsAt: () => ids,
    client: 'client',
    seed: 7,
    scenarios: ['blog-chat', 'lossy', 'abort'],
  };
}

function run(ctx: PlayerContext, actions: readonly PlayerAction[], from = initialPlayerState('blog-chat')) {
  return actions.reduce<PlayerState>((s, a) => playerReducer(s, a, ctx), from);
}

const paused = { ...initialPlayerState('blog-chat'), playing: false };

describe('stepping is time travel over trace indices', () => {
  const ctx = contextOf([0, 0, 5, 5, 10]);

  it('step moves the cursor one event forward, shows that event time, and pauses', () => {
    const s = run(ctx, [{ type: 'step' }, { type: 'step' }, { type: 'step' }]);
    expect(s).toMatchObject({ cursor: 2, time: 5, playing: false });
  });

  it('back after steps returns to the same cursor and time as before (replay, no history kept)', () => {
    const s = run(ctx, [{ type: 'step' }, { type: 'step' }, { type: 'step' }, { type: 'back' }]);
    expect(s).toMatchObject({ cursor: 1, time: 0 });
  });

  it('back at the start stays at -1 and says so; step at the end stays and says so', () => {
    expect(run(ctx, [{ type: 'back' }], paused)).toMatchObject({ cursor: -1, notice: 'at-start' });
    const end = run(ctx, [{ type: 'seek', to: 'end' }, { type: 'step' }], paused);
    expect(end).toMatchObject({ cursor: 4, time: 10, notice: 'at-end' });
  });

  it('next state change jumps to the next event that changes a state, and no further', () => {
    const c = contextOf([0, 1, 2, 3, 4], [2, 4]);
    expect(run(c, [{ type: 'next-state-change' }], paused).cursor).toBe(2);
    expect(run(c, [{ type: 'next-state-change' }, { type: 'next-state-change' }], paused).cursor).toBe(4);
    const none = run(c, [{ type: 'seek', to: 'end' }, { type: 'next-state-change' }], paused);
    expect(none).toMatchObject({ cursor: 4, notice: 'no-state-change' });
  });

  it('property: any sequence of steps and backs keeps the cursor in [-1, total-1] and time = timeAt(cursor)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 30 }),
        fc.array(
          fc.constantFrom<PlayerAction>({ type: 'step' }, { type: 'back' }, { type: 'next-state-change' }),
        ),
        (gaps, actions) => {
          let t = 0;
          const times = gaps.map((g) => (t += g));
          const c = contextOf(times, [1, 3, 5]);
          const s = run(c, actions, paused);
          expect(s.cursor).toBeGreaterThanOrEqual(-1);
          expect(s.cursor).toBeLessThan(times.length);
          expect(s.time).toBe(c.timeAt(s.cursor));
        },
      ),
    );
  });
});

describe('playing advances virtual time by ticks', () => {
  it('a tick while paused changes nothing (a paused player does no work)', () => {
    const ctx = contextOf([0, 5, 10]);
    expect(playerReducer(paused, { type: 'tick', elapsed: TICK_MS }, ctx)).toBe(paused);
  });

  it('at 5 virtual ms per second a 5 ms hop takes one real second, so an arrow is seen in flight', () => {
    const ctx = contextOf([0, 5]);
    let s = run(ctx, [{ type: 'tick', elapsed: TICK_MS }]);
    expect(s).toMatchObject({ cursor: 0, time: 0 });
    s = run(ctx, [{ type: 'tick', elapsed: 500 }], s);
    expect(SPEEDS[s.speedIndex]).toBe(5);
    expect(s.cursor).toBe(0);
    expect(s.time).toBeCloseTo(2.5);
    s = run(ctx, [{ type: 'tick', elapsed: 500 }], s);
    expect(s).toMatchObject({ cursor: 1, time: 5, playing: false });
  });

  it('events at the same instant are consumed one per tick', () => {
    const ctx = contextOf([0, 0, 0]);
    const s = run(ctx, [
      { type: 'tick', elapsed: 1 },
      { type: 'tick', elapsed: 1 },
    ]);
    expect(s.cursor).toBe(1);
  });

  it('a 240 s quiet gap (2MSL) is crossed in at most MAX_GAP_REAL_MS of ticks', () => {
    const ctx = contextOf([0, 240_000, 240_001]);
    let s = run(ctx, [{ type: 'tick', elapsed: 0 }]);
    let elapsed = 0;
    while (s.cursor < 1 && elapsed < 10_000) {
      s = playerReducer(s, { type: 'tick', elapsed: TICK_MS }, ctx);
      elapsed += TICK_MS;
    }
    expect(s.cursor).toBe(1);
    expect(elapsed).toBeLessThanOrEqual(MAX_GAP_REAL_MS + TICK_MS);
  });

  it('speed is clamped to the table at both ends', () => {
    const ctx = contextOf([0]);
    const up = run(
      ctx,
      Array.from({ length: 20 }, () => ({ type: 'speed', delta: 1 }) as const),
    );
    expect(up.speedIndex).toBe(SPEEDS.length - 1);
    const down = run(
      ctx,
      Array.from({ length: 20 }, () => ({ type: 'speed', delta: -1 }) as const),
    );
    expect(down.speedIndex).toBe(0);
  });

  it('toggle-play at the end does not start playing', () => {
    const ctx = contextOf([0, 1]);
    const s = run(ctx, [{ type: 'seek', to: 'end' }, { type: 'toggle-play' }], paused);
    expect(s).toMatchObject({ playing: false, notice: 'at-end' });
  });
});

describe('selecting segments', () => {
  const ctx = contextOf([0, 1, 2], [], [10, 11, 12]);

  it('the first select-up from follow mode selects the segment before the latest', () => {
    expect(run(ctx, [{ type: 'select', delta: -1 }], paused).selected).toBe(11);
  });

  it('selection is clamped to the first and last segment and follow clears it', () => {
    const up = Array.from({ length: 5 }, () => ({ type: 'select', delta: -1 }) as const);
    expect(run(ctx, up, paused).selected).toBe(10);
    expect(run(ctx, [...up, { type: 'select', delta: 1 }], paused).selected).toBe(11);
    expect(run(ctx, [...up, { type: 'follow' }], paused).selected).toBeUndefined();
  });
});

describe('interventions are recorded as data for a deterministic re-run', () => {
  const ctx = contextOf([0, 5, 10]);

  it('drop-next and corrupt-next happen after the event at the cursor (its index and its time)', () => {
    const s = run(ctx, [{ type: 'step' }, { type: 'step' }, { type: 'drop-next' }, { type: 'corrupt-next' }]);
    expect(s.interventions).toEqual([
      { at: 5, after: 1, kind: 'drop-next' },
      { at: 5, after: 1, kind: 'corrupt-next' },
    ]);
    expect(s.notice).toBe('corrupt-next');
  });

  it('toggling loss twice turns it on then off again', () => {
    const s = run(ctx, [{ type: 'toggle-loss' }, { type: 'toggle-loss' }], paused);
    expect(s.loss).toBe(false);
    expect(s.interventions.map((i) => (i.kind === 'loss' ? i.probability : -1))).toEqual([0.2, 0]);
  });

  it('send, close and abort are actions by the client, and playing resumes to show their effect', () => {
    const s = run(ctx, [{ type: 'send-message' }, { type: 'close' }, { type: 'abort' }], paused);
    expect(s.playing).toBe(true);
    expect(s.interventions.map((i) => (i.kind === 'action' ? i.action.type : i.kind))).toEqual([
      'send',
      'close',
      'abort',
    ]);
    const send = s.interventions[0];
    expect(send?.kind === 'action' && send.action.type === 'send' && send.action.by).toBe('client');
  });

  it('without a client endpoint, a user call is refused with a notice', () => {
    const s = run({ ...ctx, client: undefined }, [{ type: 'send-message' }], paused);
    expect(s).toMatchObject({ interventions: [], notice: 'no-client' });
  });

  it('a cursor past the end of a shortened re-run is brought back inside it', () => {
    const long = run(contextOf([0, 1, 2, 3, 4]), [{ type: 'seek', to: 'end' }], paused);
    const s = playerReducer(long, { type: 'speed', delta: 1 }, contextOf([0, 1, 2]));
    expect(s).toMatchObject({ cursor: 2, time: 2 });
  });

  it('restart moves to a new deterministic seed and clears interventions', () => {
    const s = run(ctx, [{ type: 'drop-next' }, { type: 'restart' }]);
    expect(s).toMatchObject({ seed: nextSeed(7), interventions: [], cursor: -1, notice: 'restarted' });
    expect(nextSeed(7)).not.toBe(7);
    expect(nextSeed(7)).toBe(nextSeed(7));
  });
});

describe('overlays', () => {
  const ctx = contextOf([0, 1]);

  it('help toggles on and off', () => {
    expect(run(ctx, [{ type: 'toggle-help' }]).overlay).toBe('help');
    expect(run(ctx, [{ type: 'toggle-help' }, { type: 'toggle-help' }]).overlay).toBe('none');
  });

  it('the picker opens on the current scenario, pauses, wraps around, and choosing starts the new one', () => {
    const opened = run(ctx, [{ type: 'open-picker' }]);
    expect(opened).toMatchObject({ overlay: 'picker', pickerIndex: 0, playing: false });
    expect(run(ctx, [{ type: 'picker-move', delta: -1 }], opened).pickerIndex).toBe(2);
    const chosen = run(ctx, [{ type: 'picker-move', delta: 1 }, { type: 'picker-choose' }], opened);
    expect(chosen).toMatchObject({ scenario: 'lossy', overlay: 'none', cursor: -1, seed: undefined });
  });

  it('quit sets the quit flag', () => {
    expect(run(ctx, [{ type: 'quit' }]).quit).toBe(true);
  });
});

describe('counts repeat the next key, as in vi (issue: 10l)', () => {
  const ctx = contextOf(
    Array.from({ length: 50 }, (_, i) => i * 2),
    [],
    [1, 2, 3, 4, 5, 6],
  );
  const digits = (n: string): PlayerAction[] => [...n].map((d) => ({ type: 'digit', digit: Number(d) }));

  it('10 then step moves ten events in one move, and the count is used up', () => {
    const s = run(ctx, [...digits('10'), { type: 'step' }], paused);
    expect(s).toMatchObject({ cursor: 9, time: 18, count: undefined });
    expect(run(ctx, [{ type: 'step' }], s).cursor).toBe(10);
  });

  it('a count past either end stops at the end or the start', () => {
    expect(run(ctx, [...digits('999'), { type: 'step' }], paused).cursor).toBe(49);
    const s = run(ctx, [...digits('5'), { type: 'step' }, ...digits('20'), { type: 'back' }], paused);
    expect(s.cursor).toBe(-1);
  });

  it('NG goes to event N as the header numbers it; G alone goes to the end', () => {
    expect(run(ctx, [...digits('12'), { type: 'seek', to: 'end' }], paused).cursor).toBe(11);
    expect(run(ctx, [{ type: 'seek', to: 'end' }], paused).cursor).toBe(49);
  });

  it('a count moves the segment selection that many rows', () => {
    expect(run(ctx, [...digits('3'), { type: 'select', delta: -1 }], paused).selected).toBe(3);
  });

  it('a leading 0 is not a count; toggles ignore a count and use it up', () => {
    expect(run(ctx, digits('0'), paused).count).toBeUndefined();
    const s = run(ctx, [...digits('3'), { type: 'toggle-help' }], paused);
    expect(s).toMatchObject({ overlay: 'help', count: undefined });
  });

  it('property: n steps as a count end where n single steps do', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: -1, max: 49 }), (n, from) => {
        const start = { ...paused, cursor: from, time: ctx.timeAt(from) };
        const counted = run(ctx, [...digits(String(n)), { type: 'step' }], start);
        const one = run(
          ctx,
          Array.from({ length: n }, () => ({ type: 'step' }) as const),
          start,
        );
        expect(counted.cursor).toBe(one.cursor);
      }),
    );
  });
});

describe('undo and refused interventions (the list of changes is data)', () => {
  const ctx = contextOf([0, 5, 10]);

  it('u takes back the last intervention; with none it says so', () => {
    const s = run(ctx, [{ type: 'drop-next' }, { type: 'toggle-loss' }, { type: 'undo' }], paused);
    expect(s.interventions.map((i) => i.kind)).toEqual(['drop-next']);
    expect(s).toMatchObject({ loss: false, notice: 'undone' });
    expect(run(ctx, [{ type: 'undo' }], paused).notice).toBe('nothing-to-undo');
  });

  it('a refused intervention is taken back, playing stops, and the notice carries the reason', () => {
    const s = run(
      ctx,
      [{ type: 'send-message' }, { type: 'intervention-refused', message: 'not OPEN' }],
      paused,
    );
    expect(s).toMatchObject({
      interventions: [],
      playing: false,
      notice: 'refused',
      noticeDetail: 'not OPEN',
    });
  });
});
