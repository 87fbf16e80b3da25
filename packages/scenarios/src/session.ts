/**
 * A session is one deterministic run that a viewer moves through: `viewAt(cursor)` re-derives the
 * world at any trace index, and changes made while watching (drop the next segment, send a message)
 * produce a new session by re-running the same seed with the intervention added, so the past up to
 * the intervention is identical and only the future differs (ARCHITECTURE.md: time travel by replay).
 */
import type { Scenario } from './language/types.js';
import { type ProfileView, profileView } from './profile.js';
import { type LadderOptions, renderLadder } from './renderers/ladder.js';
import { type Intervention, runScenario, type ScenarioRun } from './runner/run.js';
import type { SynackEvent } from './trace/events.js';
import { ViewBuilder } from './view/fold.js';
import type { View } from './view/model.js';

export interface SessionOptions {
  readonly seed?: number;
  readonly interventions?: readonly Intervention[];
}

export class Session {
  readonly run: ScenarioRun;
  readonly interventions: readonly Intervention[];
  /** One builder reused while the cursor moves forward; stepping back resumes from a checkpoint. */
  private builder: ViewBuilder | undefined;
  private builtTo = -1;
  /** Copies of the builder every CHECKPOINT_EVERY events, so a step back replays at most that many. */
  private readonly checkpoints = new Map<number, ViewBuilder>();
  /** When each segment copy arrives (or is lost), from the whole run, for segments still in flight. */
  private readonly arrivals: ReadonlyMap<string, number>;

  constructor(
    readonly scenario: Scenario,
    options: SessionOptions = {},
  ) {
    this.interventions = options.interventions ?? [];
    this.run = runScenario(scenario, {
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      interventions: this.interventions,
    });
    this.arrivals = arrivalTimes(this.run.trace);
  }

  get seed(): number {
    return this.run.seed;
  }

  get trace(): readonly SynackEvent[] {
    return this.run.trace;
  }

  get results() {
    return this.run.results;
  }

  /** The TCP profile this run uses: its base, what the scenario overrides, every resolved value. */
  get profile(): ProfileView {
    return profileView(this.scenario.profile);
  }

  /** The world after the events 0..cursor (cursor -1: before anything happened). */
  viewAt(cursor: number): View {
    const target = Math.max(-1, Math.min(cursor, this.trace.length - 1));
    if (this.builder === undefined || target < this.builtTo) this.resumeFrom(target);
    const builder = this.builder as ViewBuilder;
    while (this.builtTo < target) {
      this.builtTo++;
      builder.apply(this.trace[this.builtTo] as SynackEvent);
      if ((this.builtTo + 1) % CHECKPOINT_EVERY === 0 && !this.checkpoints.has(this.builtTo)) {
        this.checkpoints.set(this.builtTo, builder.clone());
      }
    }
    return builder.snapshot();
  }

  /** Restarts the builder from the last checkpoint at or before `target` (or from the start). */
  private resumeFrom(target: number): void {
    let best = -1;
    for (const index of this.checkpoints.keys()) if (index <= target && index > best) best = index;
    const checkpoint = this.checkpoints.get(best);
    this.builder = checkpoint
      ? checkpoint.clone()
      : new ViewBuilder(this.scenario.endpoints, this.trace.length, this.arrivals);
    this.builtTo = best;
  }

  /** The index of the next TCP or WebSocket state change after `cursor`, if any. */
  nextStateChange(cursor: number): number | undefined {
    for (let i = cursor + 1; i < this.trace.length; i++) {
      const type = this.trace[i]?.type;
      if (type === 'tcp.state' || type === 'ws.state') return i;
    }
    return undefined;
  }

  /** The index of the previous TCP or WebSocket state change before `cursor`, if any. */
  previousStateChange(cursor: number): number | undefined {
    for (let i = Math.min(cursor, this.trace.length) - 1; i >= 0; i--) {
      const type = this.trace[i]?.type;
      if (type === 'tcp.state' || type === 'ws.state') return i;
    }
    return undefined;
  }

  /** The last trace index at or before a virtual time (-1 if none). */
  indexAtTime(time: number): number {
    let index = -1;
    for (const event of this.trace) {
      if (event.time > time) break;
      index = event.seq;
    }
    return index;
  }

  withIntervention(intervention: Intervention): Session {
    return new Session(this.scenario, {
      seed: this.seed,
      interventions: [...this.interventions, intervention],
    });
  }

  withSeed(seed: number): Session {
    return new Session(this.scenario, { seed, interventions: this.interventions });
  }

  ladder(options: LadderOptions = {}): string {
    return renderLadder(this.trace, this.scenario.endpoints, options);
  }
}

const CHECKPOINT_EVERY = 512;

function arrivalTimes(trace: readonly SynackEvent[]): Map<string, number> {
  const arrivals = new Map<string, number>();
  for (const event of trace) {
    if (event.type === 'segment.delivered' || event.type === 'segment.dropped') {
      arrivals.set(`${event.segmentId}/${event.copy}`, event.time);
    }
  }
  return arrivals;
}

export function createSession(scenario: Scenario, options: SessionOptions = {}): Session {
  return new Session(scenario, options);
}
