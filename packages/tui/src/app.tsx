// tsx run from the repo root sees no tsconfig: ask esbuild for the automatic JSX runtime here.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
/**
 * The TUI: a thin view over a session. Playback state lives in the pure reducer (state/player.ts); the
 * session is derived from that state (scenario, seed, interventions), the view from the session and the
 * cursor, and every pane is a function of the view. The only timer is one setTimeout per tick, armed
 * only while playing: a paused UI schedules nothing.
 */

import { textWidth } from '@synack/scenarios';
import { Box, Text, useApp, useInput, useStdin } from 'ink';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { endpointRows } from './components/endpoint.js';
import { Help } from './components/Help.js';
import { inspectorRows } from './components/inspector.js';
import { Ladder } from './components/Ladder.js';
import { type Arrivals, arrivalTimes, selectedIndex } from './components/ladder.js';
import { Picker, type ScenarioEntry } from './components/Picker.js';
import { Profile } from './components/Profile.js';
import { StateDiagram } from './components/StateDiagram.js';
import { type Color, Lines, type Row, type Span, span } from './components/spans.js';
import { formatTime } from './format.js';
import { annotatePacket, bytesFromHex } from './inspect/annotate.js';
import { type Layout, layoutFor } from './layout.js';
import {
  type EndpointView,
  type Intervention,
  interventionFailurePrefix,
  type PlaybackSession,
  type ProfileView,
  type TraceEntry,
  type View,
} from './model.js';
import type { Strings } from './narration/strings.js';
import { actionFor, keyNames } from './state/keymap.js';
import {
  initialPlayerState,
  type PlayerAction,
  type PlayerContext,
  type PlayerState,
  playerReducer,
  SPEEDS,
  TICK_MS,
} from './state/player.js';

export interface AppProps {
  readonly scenarios: readonly ScenarioEntry[];
  /** Loads a scenario by name and runs it with the seed (undefined: the scenario's own seed). */
  readonly open: (name: string, seed: number | undefined) => PlaybackSession;
  readonly scenario: string;
  readonly seed?: number;
  readonly strings: Strings;
  readonly columns: number;
  readonly rows: number;
  /** Start playing at once (the default) or paused. */
  readonly autoplay?: boolean;
  readonly onQuit?: () => void;
  /** Where playback ticks are scheduled: the real timers, or a test's fake clock. */
  readonly clock?: TickClock;
}

/** The one timer the UI arms (one tick at a time, only while playing). */
export interface TickClock {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

const REAL_CLOCK: TickClock = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

const ENDPOINT_COLORS: readonly Color[] = ['green', 'cyan', 'magenta', 'yellow'];

function colorOf(index: number): Color {
  return ENDPOINT_COLORS[index % ENDPOINT_COLORS.length] ?? 'white';
}

/** The session for the player's scenario, seed and interventions, re-derived only when they change. */
function useSession(props: AppProps, state: PlayerState): PlaybackSession {
  const { open } = props;
  const base = useMemo(() => open(state.scenario, state.seed), [open, state.scenario, state.seed]);
  return useMemo(
    () => state.interventions.reduce<PlaybackSession>((s, i) => s.withIntervention(i), base),
    [base, state.interventions],
  );
}

function contextOf(session: PlaybackSession, view: View, scenarios: readonly ScenarioEntry[]): PlayerContext {
  const trace = session.trace;
  return {
    total: trace.length,
    timeAt: (c) => (c < 0 ? 0 : (trace[Math.min(c, trace.length - 1)]?.time ?? 0)),
    nextStateChange: (c) => session.nextStateChange(c),
    segmentIdsAt: (c) => (c === view.cursor ? view.arrows : session.viewAt(c).arrows).map((a) => a.segmentId),
    client: view.endpoints.find((e) => e.role === 'client')?.name,
    seed: session.seed,
    scenarios: scenarios.map((s) => s.name),
  };
}

export function App(props: AppProps) {
  const { strings, columns, rows } = props;
  const [state, setState] = useState(() =>
    initialPlayerState(props.scenario, props.seed, props.autoplay ?? true),
  );
  const session = useSession(props, state);
  const view = useMemo(() => session.viewAt(state.cursor), [session, state.cursor]);
  const arrivals = useMemo(() => arrivalTimes(session.trace), [session]);
  const ctxRef = useRef<PlayerContext | undefined>(undefined);
  ctxRef.current = contextOf(session, view, props.scenarios);

  const dispatch = useCallback((action: PlayerAction) => {
    setState((s) => (ctxRef.current === undefined ? s : playerReducer(s, action, ctxRef.current)));
  }, []);
  /** Every key of one read, in order, each looked up in the keymap of the overlay it meets. */
  const press = useCallback((names: readonly string[]) => {
    setState((s) => {
      const ctx = ctxRef.current;
      if (ctx === undefined) return s;
      let out = s;
      for (const name of names) {
        const action = actionFor(name, out.overlay);
        if (action !== undefined) out = playerReducer(out, action, ctx);
      }
      return out;
    });
  }, []);

  // An intervention the run could not carry out records why in the trace: take it back and say so.
  const seen = useRef<{ session: PlaybackSession; count: number } | undefined>(undefined);
  useEffect(() => {
    const before = seen.current;
    seen.current = { session, count: state.interventions.length };
    const last = state.interventions.at(-1);
    if (before === undefined || last === undefined || state.interventions.length <= before.count) return;
    const why = refusal(before.session.trace, session.trace, last);
    if (why !== undefined) dispatch({ type: 'intervention-refused', message: why });
  }, [session, state.interventions, dispatch]);

  // One tick at a time, armed only while playing; each tick moves time or the cursor, which changes
  // `tickKey` and arms the next one. Paused, `tickKey` is undefined and nothing is scheduled.
  const tickKey = state.playing ? `${state.cursor}@${state.time}` : undefined;
  const clock = props.clock ?? REAL_CLOCK;
  useEffect(() => {
    if (tickKey === undefined) return;
    const id = clock.setTimeout(() => dispatch({ type: 'tick', elapsed: TICK_MS }), TICK_MS);
    return () => clock.clearTimeout(id);
  }, [tickKey, dispatch, clock]);

  const { exit } = useApp();
  const { onQuit } = props;
  useEffect(() => {
    if (!state.quit) return;
    onQuit?.();
    exit();
  }, [state.quit, exit, onQuit]);

  const { isRawModeSupported } = useStdin();
  useInput((input, key) => press(keyNames(input, key)), { isActive: isRawModeSupported === true });

  const layout = layoutFor(columns, rows, state.pane);
  if (layout.tooSmall) return <Text>{strings.ui.tooSmall}</Text>;
  const title = props.scenarios.find((s) => s.name === state.scenario)?.title ?? '';
  // The title only fits beside the status on wide terminals.
  const header = (
    <Header
      state={state}
      view={view}
      strings={strings}
      title={columns >= 140 ? title : ''}
      seed={session.seed}
      profile={profileLabel(session.profile)}
      columns={columns}
    />
  );
  if (state.overlay !== 'none') {
    const body = layout.height - 1;
    return (
      <Box flexDirection="column" width={columns} height={layout.height}>
        {header}
        {state.overlay === 'help' ? (
          <Help strings={strings} rows={body} columns={columns} />
        ) : state.overlay === 'profile' ? (
          <Profile profile={session.profile} strings={strings} rows={body} columns={columns} />
        ) : (
          <Picker
            scenarios={props.scenarios}
            index={state.pickerIndex}
            current={state.scenario}
            strings={strings}
            rows={body}
            columns={columns}
          />
        )}
      </Box>
    );
  }
  return (
    <Screen
      state={state}
      view={view}
      layout={layout}
      strings={strings}
      header={header}
      eventType={session.trace[state.cursor]?.type}
      arrivals={arrivals}
    />
  );
}

/** Why `intervention` could not be carried out, if the run with it records a failure the run before did not. */
export function refusal(
  before: readonly TraceEntry[],
  after: readonly TraceEntry[],
  intervention: Intervention,
): string | undefined {
  const prefix = `${interventionFailurePrefix(intervention)}: `;
  const failures = (trace: readonly TraceEntry[]) =>
    trace.filter((e) => e.type === 'scenario.failure' && e.message?.startsWith(prefix) === true);
  const then = failures(before).length;
  const now = failures(after);
  return now.length > then ? now[then]?.message?.slice(prefix.length) : undefined;
}

export interface ScreenProps {
  readonly state: PlayerState;
  readonly view: View;
  readonly layout: Layout;
  readonly strings: Strings;
  readonly header: ReactNode;
  /** The type of the trace event at the cursor, for events the view model does not narrate. */
  readonly eventType?: string | undefined;
  /** When segments in flight will arrive (from the whole trace), to draw their progress. */
  readonly arrivals?: Arrivals;
}

/** One frame of the main screen: a pure function of the player state and the view (the bench renders it). */
export function Screen(props: ScreenProps) {
  const { state, view, layout, strings } = props;
  const arrow = view.arrows[selectedIndex(view.arrows, state.selected)];
  // Only the inspector shows the fields: the diagram pane does not decode the packet.
  const inspecting = layout.side === 'inspector';
  const fields = useMemo(
    () => (arrow === undefined || !inspecting ? [] : annotatePacket(bytesFromHex(arrow.hex))),
    [arrow, inspecting],
  );
  const count = Math.max(1, view.endpoints.length);
  const endpoints = view.endpoints.map((e, i) => (
    <EndpointPanel
      key={e.name}
      endpoint={e}
      color={colorOf(i)}
      time={state.time}
      // Two endpoints is the usual case; more share the same rows (stacked) or columns (side by side).
      width={layout.endpointsSideBySide ? Math.floor(layout.width / count) : layout.endpointColumns}
      rows={
        layout.endpointsSideBySide
          ? layout.rowsPerEndpoint
          : Math.max(1, Math.floor(layout.endpointRows / count))
      }
      none={strings.ui.noTimers}
    />
  ));
  const side =
    layout.side === 'diagram' ? (
      <StateDiagram
        marks={view.endpoints.map((e, i) => ({
          name: e.name,
          state: e.tcp,
          last: e.lastTransition,
          color: colorOf(i),
        }))}
        lastWord={strings.ui.lastTransition}
      />
    ) : layout.side === 'inspector' ? (
      <Lines
        rows={inspectorRows(
          arrow,
          fields,
          layout.sideRows,
          layout.sideColumns,
          state.inspectorScroll,
          strings.ui.noSegment,
        )}
        width={layout.sideColumns}
      />
    ) : null;
  const narration =
    view.narration !== undefined
      ? strings.narrate(view.narration)
      : props.eventType === undefined
        ? strings.ui.start
        : strings.unnarrated(props.eventType);
  const left = view.endpoints.find((e) => e.role === 'client')?.name ?? view.endpoints[0]?.name ?? '';
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height}>
      {props.header}
      {layout.wide ? (
        <Box flexDirection="row" height={layout.endpointRows}>
          <Box flexDirection="column" width={layout.endpointColumns}>
            {endpoints}
          </Box>
          <Box marginLeft={1} width={layout.sideColumns} height={layout.sideRows} overflowY="hidden">
            {side}
          </Box>
        </Box>
      ) : (
        <>
          <Box flexDirection={layout.endpointsSideBySide ? 'row' : 'column'} height={layout.endpointRows}>
            {endpoints}
          </Box>
          {side === null ? null : (
            <Box height={layout.sideRows} overflowY="hidden">
              {side}
            </Box>
          )}
        </>
      )}
      <Box height={layout.ladderRows} overflowY="hidden">
        <Ladder
          arrows={view.arrows}
          time={state.time}
          selected={state.selected}
          {...(props.arrivals === undefined ? {} : { arrivals: props.arrivals })}
          width={layout.width}
          height={layout.ladderRows}
          left={left}
        />
      </Box>
      <Box height={layout.narrationRows} overflowY="hidden">
        <Text wrap="wrap">{narration}</Text>
      </Box>
      <Footer state={state} strings={strings} />
    </Box>
  );
}

function EndpointPanel(props: {
  endpoint: EndpointView;
  color: Color;
  time: number;
  width: number;
  rows: number;
  none: string;
}) {
  const rows = endpointRows(props.endpoint, props.time, props.width, props.color, props.none).slice(
    0,
    props.rows,
  );
  return (
    <Box height={props.rows} width={props.width} overflowY="hidden">
      <Lines rows={rows} width={props.width} />
    </Box>
  );
}

/** The profile's name in the header; a star when the scenario overrides some of its numbers. */
export function profileLabel(profile: ProfileView): string {
  return `${profile.base}${profile.overridden.length > 0 ? '*' : ''}`;
}

export function Header(props: {
  state: PlayerState;
  view: View;
  strings: Strings;
  title: string;
  seed: number;
  /** The TCP profile's label; `t` shows its numbers. */
  profile?: string;
  /** The terminal's width: parts that do not fit are left out, least important first. */
  columns?: number;
}) {
  const { state, view, strings } = props;
  const ui = strings.ui;
  // Each part with its priority: on a narrow terminal the lowest go first, so the state of play and
  // the `? help` hint always fit (issue: at 80 columns the hint fell off the end).
  const parts: [number, Span][] = [
    [9, span(' synack ', { bold: true, inverse: true })],
    [8, span(` ${state.scenario} `, { bold: true })],
    [1, span(props.title === '' ? '' : `${props.title}  `, { dim: true })],
    [
      9,
      span(state.playing ? `> ${ui.playing}` : `|| ${ui.paused}`, {
        color: state.playing ? 'green' : 'yellow',
      }),
    ],
    [3, span(`  ${ui.speed} ${SPEEDS[state.speedIndex]}ms/s`)],
    [7, span(`  t=${formatTime(state.time)}`)],
    [8, span(`  ${ui.event} ${view.cursor + 1}/${view.total}`)],
    [2, span(`  ${ui.seed} ${props.seed}`, { dim: true })],
    [4, span(props.profile === undefined ? '' : `  ${ui.profile} ${props.profile}`, { dim: true })],
    [8, span(state.loss ? `  ${ui.loss} 20%` : '', { color: 'red' })],
    [9, span(`  ${ui.help}`, { dim: true })],
  ];
  return <Lines rows={[fitByPriority(parts, props.columns ?? Number.POSITIVE_INFINITY)]} />;
}

/** Drops the lowest-priority parts (the latest of equals first) until the row fits `columns`. */
export function fitByPriority(parts: readonly (readonly [number, Span])[], columns: number): Row {
  const kept = [...parts];
  const width = () => textWidth(kept.map(([, s]) => s.text).join(''));
  while (width() > columns) {
    let drop = -1;
    for (let i = 0; i < kept.length; i++) {
      const p = kept[i];
      if (p === undefined || p[1].text === '') continue;
      if (drop === -1 || p[0] <= (kept[drop]?.[0] ?? 0)) drop = i;
    }
    if (drop === -1 || (kept[drop]?.[0] ?? 0) >= 9) break;
    kept.splice(drop, 1);
  }
  return kept.map(([, s]) => s);
}

function Footer({ state, strings }: { state: PlayerState; strings: Strings }) {
  const words = state.notice === undefined ? '' : strings.notice[state.notice];
  const text = state.noticeDetail === undefined ? words : `${words}: ${strings.failure(state.noticeDetail)}`;
  const pending = state.interventions.length === 0 ? '' : `  [${state.interventions.length}]`;
  return (
    <Text wrap="truncate-end" color="yellow">
      {text}
      {pending}
    </Text>
  );
}
