/**
 * The one place the TUI names the scenarios package's view model and session contract.
 *
 * The TUI reads only the trace-derived view model (DESIGN.md, "the trace is the spine"), never the
 * machines. `PlaybackSession` is the subset of @synack/scenarios' `Session` that the TUI calls, declared
 * structurally so a real session satisfies it and tests can hand-build one from `View` values.
 */
import type { Intervention, View } from '@synack/scenarios';

export type {
  Action,
  ArrowView,
  EndpointView,
  Intervention,
  Narration,
  SegmentFate,
  TcbView,
  TcpStateName,
  TimerView,
  TransitionView,
  View,
  WsStateName,
} from '@synack/scenarios';

export interface PlaybackSession {
  readonly seed: number;
  /** The cursor ranges over trace indices; each event's virtual time and type are read here. */
  readonly trace: readonly { readonly time: number; readonly type: string }[];
  viewAt(cursor: number): View;
  nextStateChange(cursor: number): number | undefined;
  withIntervention(intervention: Intervention): PlaybackSession;
}
