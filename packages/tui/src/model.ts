/**
 * The one place the TUI names the scenarios package's view model and session contract.
 *
 * The TUI reads only the trace-derived view model (ARCHITECTURE.md, "the trace is the spine"), never the
 * machines. `PlaybackSession` is the subset of @synack/scenarios' `Session` that the TUI calls, declared
 * structurally so a real session satisfies it and tests can hand-build one from `View` values.
 */
import type { Intervention, ProfileView, View } from '@synack/scenarios';

export type {
  Action,
  ArrowView,
  CwndPhase,
  EndpointView,
  Intervention,
  Narration,
  ProfileField,
  ProfileView,
  SegmentFate,
  TcbView,
  TcpStateName,
  TimerStopCause,
  TimerView,
  TransitionView,
  View,
  WsStateName,
} from '@synack/scenarios';
export { interventionFailurePrefix } from '@synack/scenarios';

export interface TraceEntry {
  readonly time: number;
  readonly type: string;
  readonly segmentId?: number;
  /** A `scenario.failure`'s words (an intervention the run could not carry out says why). */
  readonly message?: string;
}

export interface PlaybackSession {
  readonly seed: number;
  /** The TCP profile the run uses (every timer and RFC-vs-Linux choice), for the header and its overlay. */
  readonly profile: ProfileView;
  /**
   * The cursor ranges over trace indices. Read here: each event's virtual time and type, and for
   * segment events their id (to know when a segment still in flight at the cursor will arrive).
   */
  readonly trace: readonly TraceEntry[];
  viewAt(cursor: number): View;
  nextStateChange(cursor: number): number | undefined;
  withIntervention(intervention: Intervention): PlaybackSession;
}
