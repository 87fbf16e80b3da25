/**
 * The one place the TUI names the scenarios package's view model and session contract.
 *
 * The TUI reads only the trace-derived view model (DESIGN.md, "the trace is the spine"). The view model
 * types live in @synack/scenarios (src/view/model.ts); until its index exports them, they are imported
 * here by relative path, type-only (erased at runtime), so that switching to the package entry later is a
 * one-file change.
 */

import type { Action } from '../../scenarios/src/language/types.js';
import type { View } from '../../scenarios/src/view/model.js';

export type { Action, TcpStateName, WsStateName } from '../../scenarios/src/language/types.js';
export type {
  ArrowView,
  EndpointView,
  Narration,
  SegmentFate,
  TcbView,
  TimerView,
  TransitionView,
  View,
} from '../../scenarios/src/view/model.js';

/** A live change to a run: the same seed re-run with one more action, identical before `at`. */
export type Intervention =
  | { readonly at: number; readonly kind: 'drop-next' | 'corrupt-next'; readonly from?: string }
  | { readonly at: number; readonly kind: 'loss'; readonly probability: number }
  | { readonly at: number; readonly kind: 'action'; readonly action: Action };

/**
 * What the TUI needs of a session: the subset of @synack/scenarios' `Session` it calls. Declared
 * structurally so a real session satisfies it and tests can hand-build one from `View` values.
 */
export interface PlaybackSession {
  readonly seed: number;
  /** The cursor ranges over trace indices; only each event's virtual time is read here. */
  readonly trace: readonly { readonly time: number }[];
  viewAt(cursor: number): View;
  nextStateChange(cursor: number): number | undefined;
  withIntervention(intervention: Intervention): PlaybackSession;
}
