/**
 * Playback state and its reducer.
 *
 * Theory of operation: the player holds a cursor (the index of the last trace event shown, -1 before the
 * first) and the virtual time on screen, which may run ahead of the cursor's event so that segments in
 * flight can be drawn part-way across the link. Nothing here keeps history: stepping back moves the
 * cursor and the view is re-derived from the session (ARCHITECTURE.md, time travel by replay).
 *
 * Time only moves on `tick` actions, which the app schedules with one setTimeout per tick and only while
 * `playing` is true; a paused player receives no ticks and does no work. A tick advances virtual time at
 * the chosen speed, but never past the next event, and consumes at most one event, so that events at the
 * same instant are still shown one at a time. Long quiet gaps (2MSL is minutes of virtual time) are
 * crossed in at most `MAX_GAP_REAL_MS` of real time.
 *
 * Interventions (drop the next segment, send a message...) are recorded as data, anchored to the event
 * at the cursor: they happen after it, so everything already on screen stays as it was (ARCHITECTURE.md,
 * time travel by replay). The app re-derives the session from them (the same seed re-run with one more action), so the
 * reducer stays pure; one the run could not carry out is taken back and its reason shown.
 *
 * Counts: digits typed before a key repeat it, as in vi (`10l` steps ten events, `3k` selects three
 * segments up, `120G` goes to event 120).
 */
import type { Intervention } from '../model.js';

/** Playback speeds, in virtual milliseconds per real second. 5 makes a 5 ms link hop last one second. */
export const SPEEDS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 500, 2000, 10000];
export const DEFAULT_SPEED_INDEX = 2;
/** Real milliseconds between ticks while playing (25 frames per second). */
export const TICK_MS = 40;
/** The longest a quiet gap between two events may take on screen, in real milliseconds. */
export const MAX_GAP_REAL_MS = 1500;
/** Probability used when random loss is toggled on. */
export const LIVE_LOSS = 0.2;

/** What the reducer needs to know about the session it plays; the app builds it from the session. */
export interface PlayerContext {
  /** Number of trace events. */
  readonly total: number;
  /** Virtual time of the event at `cursor`; 0 for cursor -1. */
  timeAt(cursor: number): number;
  /** The index of the next event after `cursor` that changes a TCP or WebSocket state. */
  nextStateChange(cursor: number): number | undefined;
  /** Segment ids of the arrows in the ladder at `cursor`, in ladder order. */
  segmentIdsAt(cursor: number): readonly number[];
  /** The endpoint a person speaks for when sending, closing or aborting (the client). */
  readonly client: string | undefined;
  /** The seed of the session being played. */
  readonly seed: number;
  /** Names offered by the scenario picker. */
  readonly scenarios: readonly string[];
}

export type Overlay = 'none' | 'help' | 'picker' | 'profile';
export type Pane = 'diagram' | 'inspector';
export type Notice =
  | 'drop-next'
  | 'corrupt-next'
  | 'loss-on'
  | 'loss-off'
  | 'message-sent'
  | 'close-sent'
  | 'abort-sent'
  | 'restarted'
  | 'no-client'
  | 'at-end'
  | 'at-start'
  | 'no-state-change'
  | 'refused'
  | 'undone'
  | 'nothing-to-undo';

/** The largest count a run of digits may give (more digits are ignored): bounded work per key. */
export const MAX_COUNT = 1_000_000;

export interface PlayerState {
  readonly cursor: number;
  readonly time: number;
  readonly playing: boolean;
  readonly speedIndex: number;
  /** The selected segment's id, or undefined to follow the latest one. */
  readonly selected: number | undefined;
  readonly overlay: Overlay;
  readonly pickerIndex: number;
  /** Which pane shares the screen with the ladder when there is room for only one. */
  readonly pane: Pane;
  /** First inspector field shown. */
  readonly inspectorScroll: number;
  readonly scenario: string;
  /** undefined: the scenario's own seed. */
  readonly seed: number | undefined;
  readonly interventions: readonly Intervention[];
  readonly loss: boolean;
  readonly messagesSent: number;
  readonly notice: Notice | undefined;
  /** What the notice is about, when it needs more than its fixed words (why an intervention was refused). */
  readonly noticeDetail: string | undefined;
  /** Digits typed so far as a count for the next key; undefined when none. */
  readonly count: number | undefined;
  readonly quit: boolean;
}

export type PlayerAction =
  | { readonly type: 'toggle-play' }
  | { readonly type: 'tick'; readonly elapsed: number }
  | { readonly type: 'step' }
  | { readonly type: 'back' }
  | { readonly type: 'seek'; readonly to: 'start' | 'end' }
  | { readonly type: 'speed'; readonly delta: 1 | -1 }
  | { readonly type: 'next-state-change' }
  | { readonly type: 'select'; readonly delta: 1 | -1 }
  | { readonly type: 'follow' }
  | { readonly type: 'toggle-pane' }
  | { readonly type: 'scroll-inspector'; readonly delta: number }
  | { readonly type: 'toggle-help' }
  | { readonly type: 'toggle-profile' }
  | { readonly type: 'open-picker' }
  | { readonly type: 'picker-move'; readonly delta: 1 | -1 }
  | { readonly type: 'picker-choose' }
  | { readonly type: 'close-overlay' }
  | { readonly type: 'drop-next' }
  | { readonly type: 'corrupt-next' }
  | { readonly type: 'toggle-loss' }
  | { readonly type: 'send-message' }
  | { readonly type: 'close' }
  | { readonly type: 'abort' }
  | { readonly type: 'restart' }
  | { readonly type: 'digit'; readonly digit: number }
  | { readonly type: 'undo' }
  | { readonly type: 'intervention-refused'; readonly message: string }
  | { readonly type: 'quit' };

export type PlayerActionType = PlayerAction['type'];

export function initialPlayerState(scenario: string, seed?: number, playing = true): PlayerState {
  return {
    cursor: -1,
    time: 0,
    playing,
    speedIndex: DEFAULT_SPEED_INDEX,
    selected: undefined,
    overlay: 'none',
    pickerIndex: 0,
    pane: 'diagram',
    inspectorScroll: 0,
    scenario,
    seed,
    interventions: [],
    loss: false,
    messagesSent: 0,
    notice: undefined,
    noticeDetail: undefined,
    count: undefined,
    quit: false,
  };
}

/** The seed "restart with a new seed" moves to: deterministic, so a session can be named and replayed. */
export function nextSeed(seed: number): number {
  // A multiplicative hash step (Knuth's constant) spreads consecutive seeds; >>> 0 keeps it a uint32.
  return (Math.imul(seed ^ (seed >>> 16), 0x9e3779b1) + 0x6d2b79f5) >>> 0;
}

/** Actions a count repeats; the others ignore it (a count never toggles anything n times). */
const COUNTED: ReadonlySet<PlayerActionType> = new Set([
  'step',
  'back',
  'select',
  'scroll-inspector',
  'picker-move',
]);

export function playerReducer(state: PlayerState, action: PlayerAction, ctx: PlayerContext): PlayerState {
  const before = clampToSession(state, ctx);
  if (action.type === 'digit') {
    // A leading 0 is not a count (vi: 0 is a motion of its own); 0 after a digit is.
    if (before.count === undefined && action.digit === 0) return before;
    const count = (before.count ?? 0) * 10 + action.digit;
    return { ...before, count: count > MAX_COUNT ? before.count : count };
  }
  if (action.type === 'tick') return tick(before, action.elapsed, ctx);
  const count = before.count;
  const s: PlayerState = count === undefined ? before : { ...before, count: undefined };
  if (count !== undefined) {
    if (action.type === 'step' || action.type === 'back') {
      // One move, not `count` of them: a count of a million costs what one step does.
      const delta = action.type === 'step' ? count : -count;
      const to = Math.max(-1, Math.min(ctx.total - 1, s.cursor + delta));
      if (to === s.cursor) return reduce(s, action, ctx);
      return moveTo(s, to, ctx);
    }
    if (action.type === 'seek' && action.to === 'end') {
      // `NG` goes to event N (as numbered in the header, from 1).
      return moveTo(s, Math.max(-1, Math.min(ctx.total - 1, count - 1)), ctx);
    }
    if (action.type === 'select') return select(s, action.delta * count, ctx);
    if (COUNTED.has(action.type)) {
      let out = s;
      for (let i = 0; i < Math.min(count, 1000); i++) out = reduce(out, action, ctx);
      return out;
    }
  }
  return reduce(s, action, ctx);
}

function reduce(s: PlayerState, action: PlayerAction, ctx: PlayerContext): PlayerState {
  switch (action.type) {
    case 'toggle-play':
      if (!s.playing && s.cursor >= ctx.total - 1) return { ...s, notice: 'at-end' };
      return { ...s, playing: !s.playing, notice: undefined };
    case 'step':
      if (s.cursor >= ctx.total - 1) return { ...s, playing: false, notice: 'at-end' };
      return moveTo(s, s.cursor + 1, ctx);
    case 'back':
      if (s.cursor < 0) return { ...s, playing: false, notice: 'at-start' };
      return moveTo(s, s.cursor - 1, ctx);
    case 'seek':
      return moveTo(s, action.to === 'start' ? -1 : ctx.total - 1, ctx);
    case 'speed': {
      const speedIndex = Math.min(SPEEDS.length - 1, Math.max(0, s.speedIndex + action.delta));
      return { ...s, speedIndex };
    }
    case 'next-state-change': {
      const next = ctx.nextStateChange(s.cursor);
      if (next === undefined || next <= s.cursor) return { ...s, playing: false, notice: 'no-state-change' };
      return moveTo(s, Math.min(next, ctx.total - 1), ctx);
    }
    case 'select':
      return select(s, action.delta, ctx);
    case 'follow':
      return { ...s, selected: undefined, inspectorScroll: 0 };
    case 'scroll-inspector':
      return { ...s, inspectorScroll: Math.max(0, s.inspectorScroll + action.delta) };
    case 'toggle-pane':
      return { ...s, pane: s.pane === 'diagram' ? 'inspector' : 'diagram' };
    case 'toggle-help':
      return { ...s, overlay: s.overlay === 'help' ? 'none' : 'help' };
    case 'toggle-profile':
      return { ...s, overlay: s.overlay === 'profile' ? 'none' : 'profile' };
    case 'open-picker': {
      const current = ctx.scenarios.indexOf(s.scenario);
      return { ...s, overlay: 'picker', pickerIndex: Math.max(0, current), playing: false };
    }
    case 'picker-move': {
      const n = ctx.scenarios.length;
      if (n === 0) return s;
      return { ...s, pickerIndex: (s.pickerIndex + action.delta + n) % n };
    }
    case 'picker-choose': {
      const name = ctx.scenarios[s.pickerIndex];
      if (name === undefined) return { ...s, overlay: 'none' };
      return { ...initialPlayerState(name), speedIndex: s.speedIndex, pane: s.pane };
    }
    case 'close-overlay':
      return { ...s, overlay: 'none' };
    case 'drop-next':
      return intervene(s, { ...anchor(s, ctx), kind: 'drop-next' }, 'drop-next');
    case 'corrupt-next':
      return intervene(s, { ...anchor(s, ctx), kind: 'corrupt-next' }, 'corrupt-next');
    case 'toggle-loss': {
      const probability = s.loss ? 0 : LIVE_LOSS;
      const next = intervene(
        s,
        { ...anchor(s, ctx), kind: 'loss', probability },
        s.loss ? 'loss-off' : 'loss-on',
      );
      return { ...next, loss: !s.loss };
    }
    case 'send-message':
    case 'close':
    case 'abort':
      return userCall(s, action.type, ctx);
    case 'restart':
      return {
        ...initialPlayerState(s.scenario, nextSeed(ctx.seed)),
        speedIndex: s.speedIndex,
        pane: s.pane,
        notice: 'restarted',
      };
    case 'undo': {
      if (s.interventions.length === 0) return { ...s, notice: 'nothing-to-undo', noticeDetail: undefined };
      const interventions = s.interventions.slice(0, -1);
      return {
        ...s,
        interventions,
        loss: lossAfter(interventions),
        notice: 'undone',
        noticeDetail: undefined,
      };
    }
    case 'intervention-refused': {
      const interventions = s.interventions.slice(0, -1);
      return {
        ...s,
        interventions,
        loss: lossAfter(interventions),
        playing: false,
        notice: 'refused',
        noticeDetail: action.message,
      };
    }
    case 'digit':
    case 'tick':
      return s;
    case 'quit':
      return { ...s, playing: false, quit: true };
  }
}

/** Whether random loss is on once these interventions have happened (the last loss switch wins). */
function lossAfter(interventions: readonly Intervention[]): boolean {
  const last = interventions.findLast((i) => i.kind === 'loss');
  return last !== undefined && last.kind === 'loss' && last.probability > 0;
}

/** A session re-derived after an intervention may be shorter; keep the cursor inside it. */
function clampToSession(s: PlayerState, ctx: PlayerContext): PlayerState {
  if (s.cursor <= ctx.total - 1) return s;
  const cursor = ctx.total - 1;
  return { ...s, cursor, time: ctx.timeAt(cursor) };
}

function moveTo(s: PlayerState, cursor: number, ctx: PlayerContext): PlayerState {
  return {
    ...s,
    cursor,
    time: ctx.timeAt(cursor),
    playing: false,
    notice: undefined,
    noticeDetail: undefined,
  };
}

function tick(s: PlayerState, elapsed: number, ctx: PlayerContext): PlayerState {
  if (!s.playing) return s;
  const last = ctx.total - 1;
  if (s.cursor >= last) return { ...s, playing: false, notice: 'at-end' };
  const nextTime = ctx.timeAt(s.cursor + 1);
  const gap = nextTime - ctx.timeAt(s.cursor);
  const speed = SPEEDS[s.speedIndex] ?? 1;
  // Virtual ms per real second: the chosen speed, or faster when the gap would otherwise drag on.
  const rate = Math.max(speed, (gap * 1000) / MAX_GAP_REAL_MS);
  const time = s.time + (rate * elapsed) / 1000;
  if (time < nextTime) return { ...s, time };
  const cursor = s.cursor + 1;
  return { ...s, cursor, time: nextTime, playing: cursor < last };
}

function select(s: PlayerState, delta: number, ctx: PlayerContext): PlayerState {
  const ids = ctx.segmentIdsAt(s.cursor);
  if (ids.length === 0) return s;
  const at = s.selected === undefined ? -1 : ids.indexOf(s.selected);
  // Following the latest segment behaves as if the last one were selected.
  const from = at === -1 ? ids.length - 1 : at;
  const index = Math.min(ids.length - 1, Math.max(0, from + delta));
  return { ...s, selected: ids[index], inspectorScroll: 0 };
}

/** What every intervention carries: it happens right after the event at the cursor. */
function anchor(s: PlayerState, ctx: PlayerContext): { readonly at: number; readonly after: number } {
  return { at: ctx.timeAt(s.cursor), after: s.cursor };
}

function intervene(s: PlayerState, intervention: Intervention, notice: Notice): PlayerState {
  return { ...s, interventions: [...s.interventions, intervention], notice, noticeDetail: undefined };
}

function userCall(s: PlayerState, call: 'send-message' | 'close' | 'abort', ctx: PlayerContext): PlayerState {
  const by = ctx.client;
  if (by === undefined) return { ...s, notice: 'no-client' };
  switch (call) {
    case 'send-message': {
      const n = s.messagesSent + 1;
      const payload = { kind: 'text', text: `hello #${n} from the TUI` } as const;
      const next = intervene(
        s,
        { ...anchor(s, ctx), kind: 'action', action: { type: 'send', by, payload, fragments: 1 } },
        'message-sent',
      );
      return { ...next, messagesSent: n, playing: true };
    }
    case 'close':
      return {
        ...intervene(
          s,
          { ...anchor(s, ctx), kind: 'action', action: { type: 'close', by, code: 1000 } },
          'close-sent',
        ),
        playing: true,
      };
    case 'abort':
      return {
        ...intervene(s, { ...anchor(s, ctx), kind: 'action', action: { type: 'abort', by } }, 'abort-sent'),
        playing: true,
      };
  }
}
