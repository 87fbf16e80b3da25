/**
 * Runs a scenario: builds the simulated world (hosts, links, faults, listeners), plays the timeline in
 * virtual time, and checks the expectations against the trace.
 *
 * Theory of operation: everything happens inside one tcp-sim simulation. The runner subscribes to its
 * trace and appends each event to the synack trace, restamped with the synack sequence number; the
 * WebSocket layer appends its own events into the same array at the same virtual instant, so the order
 * in the trace is the order things happened. Timeline steps run one after another: a step is scheduled
 * only once the previous one has run, at its `at` time, `after` a delay, or when its `when` condition
 * first holds (checked after every trace event). Interventions (from the TUI) are extra actions at
 * given times; since the run is deterministic, everything before an intervention is unchanged.
 */
import { createSimulation, type SimSocket, type Simulation } from '@synack/tcp-sim';
import type { RandomSource } from '@synack/ws-frame';
import type { Action, Condition, Scenario, TimelineStep } from '../language/types.js';
import type { SynackEvent, WsTraceEventInput } from '../trace/events.js';
import { checkExpectations, type ExpectationResult, type RunRecord } from './expect.js';
import { seededRandom } from './random.js';
import { type Endpoint, World } from './world.js';

/**
 * When a change made while watching happens. `after`: right after the trace event with that index has
 * been recorded (and whatever the same scheduler event records with it), so every event up to it stays
 * exactly as the viewer saw it (ARCHITECTURE.md, time travel by replay); -1 means before anything. Without `after`, at the
 * start of virtual time `at`, before anything else scheduled for that instant.
 */
interface InterventionTiming {
  readonly at: number;
  readonly after?: number;
}

/** A change made while watching a run (the TUI's keys). */
export type Intervention = InterventionTiming &
  (
    | { readonly kind: 'drop-next' | 'corrupt-next'; readonly from?: string }
    | { readonly kind: 'loss'; readonly probability: number }
    | { readonly kind: 'action'; readonly action: Action }
  );

/** The prefix of the failure a refused intervention records, so a viewer can tell the person why. */
export function interventionFailurePrefix(intervention: Intervention): string {
  return intervention.after === undefined
    ? `intervention at ${intervention.at} ms`
    : `intervention after event ${intervention.after}`;
}

export interface RunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  readonly interventions?: readonly Intervention[];
  /** Safety bound on simulation events (default 5,000,000). */
  readonly maxEvents?: number;
}

export interface ScenarioRun extends RunRecord {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly results: readonly ExpectationResult[];
  readonly passed: boolean;
  /** Steps that could not run, with why. */
  readonly failures: readonly string[];
  readonly stoppedBy: string;
  readonly endTime: number;
}

const DEFAULT_WHEN_TIMEOUT = 120_000;

/**
 * A run that has been set up (world built, timeline and interventions scheduled) but not yet played:
 * library users can drive `sim` themselves (add their own clients, step time), then `finish()` runs to
 * the end and checks the expectations.
 */
export interface LiveRun {
  readonly sim: Simulation;
  readonly world: World;
  readonly trace: readonly SynackEvent[];
  readonly random: (name: string) => RandomSource;
  finish(): ScenarioRun;
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): ScenarioRun {
  return startRun(scenario, options).finish();
}

export function startRun(scenario: Scenario, options: RunOptions = {}): LiveRun {
  const seed = options.seed ?? scenario.seed;
  const sim = createSimulation({ seed, profile: scenario.profile });
  const trace: SynackEvent[] = [];
  const failures: string[] = [];
  const watchers = new Set<() => void>();
  /** Interventions anchored to a trace index, by that index. */
  const afterEvent = new Map<number, Intervention[]>();
  // The one place events enter the synack trace: stamped with their index, then interventions that
  // follow this event are queued (for now, behind whatever this instant already holds), then every
  // waiting `when:` condition is checked, whichever layer the event came from.
  const append = (event: SynackEvent) => {
    trace.push(event);
    const due = afterEvent.get(trace.length - 1);
    if (due !== undefined) {
      afterEvent.delete(trace.length - 1);
      for (const intervention of due) sim.at(sim.now, () => intervene(intervention));
    }
    for (const watch of [...watchers]) watch();
  };
  const emitWs = (event: WsTraceEventInput) =>
    append({ ...event, seq: trace.length, time: sim.now } as SynackEvent);
  sim.trace.subscribe((event) => append({ ...event, seq: trace.length }));
  const random: (name: string) => RandomSource = (name) => seededRandom(seed, name);
  const world = new World(scenario, sim, emitWs, random);
  /** A step (or, with index -1, an intervention) that could not run: in the report and the trace. */
  const fail = (index: number, message: string) => {
    failures.push(index < 0 ? message : `step ${index + 1}: ${message}`);
    emitWs({ type: 'scenario.failure', index, message });
  };

  const perform = (action: Action, index: number) => {
    const problem = world.perform(action);
    if (problem !== undefined) fail(index, problem);
  };

  // Steps that ran or failed; at the end, any other step could not run (the run ended first).
  const reached = new Set<number>();
  const runStep = (index: number) => {
    reached.add(index);
    const step = scenario.timeline[index] as TimelineStep;
    emitWs({
      type: 'scenario.step',
      index,
      action: step.action.type,
      by: 'by' in step.action ? step.action.by : '',
      line: step.source.line,
      column: step.source.column,
    });
    perform(step.action, index);
    scheduleStep(index + 1);
  };

  const scheduleStep = (index: number) => {
    const step = scenario.timeline[index];
    if (step === undefined) return;
    const { at, after = 0, when, timeout = DEFAULT_WHEN_TIMEOUT } = step.timing;
    if (at !== undefined) {
      sim.at(Math.max(at, sim.now), () => runStep(index));
      return;
    }
    if (when === undefined) {
      sim.schedule(after, () => runStep(index));
      return;
    }
    const started = sim.now;
    const watch = () => {
      if (!world.holds(when)) return;
      watchers.delete(watch);
      sim.schedule(after, () => runStep(index));
    };
    watchers.add(watch);
    watch();
    sim.schedule(timeout, () => {
      if (!watchers.has(watch)) return;
      watchers.delete(watch);
      reached.add(index);
      fail(index, `waited ${timeout} ms from ${started} ms for ${describeCondition(when)}; it never held`);
      scheduleStep(index + 1);
    });
  };

  const intervene = (intervention: Intervention) => {
    const problem = world.intervene(intervention);
    if (problem !== undefined) fail(-1, `${interventionFailurePrefix(intervention)}: ${problem}`);
  };
  for (const intervention of options.interventions ?? []) {
    const { after } = intervention;
    if (after === undefined) sim.at(intervention.at, () => intervene(intervention));
    // Before anything, or after an event the world recorded while being built: at once.
    else if (after < trace.length) sim.at(sim.now, () => intervene(intervention));
    else afterEvent.set(after, [...(afterEvent.get(after) ?? []), intervention]);
  }
  world.start();
  scheduleStep(0);
  const finish = (): ScenarioRun => {
    const stop = sim.run({ until: scenario.until, maxEvents: options.maxEvents ?? 5_000_000 });
    scenario.timeline.forEach((step, index) => {
      if (reached.has(index)) return;
      const why =
        stop.reason === 'until' ? `its until (${scenario.until} ms)` : `${stop.reason} at ${sim.now} ms`;
      fail(index, `${step.action.type} (line ${step.source.line}) never ran: the run ended first, at ${why}`);
    });
    // A run observes up to its until (when it goes quiet earlier, nothing changes until then).
    const horizon = stop.reason === 'maxEvents' ? sim.now : scenario.until;
    const record: RunRecord = {
      trace,
      endpoints: scenario.endpoints,
      received: world.receivedMessages(),
      streams: world.streams(),
      horizon,
    };
    const results = checkExpectations(record, scenario.expect);
    return {
      ...record,
      scenario,
      seed,
      results,
      failures,
      passed: failures.length === 0 && results.every((r) => r.pass),
      stoppedBy: stop.reason,
      endTime: trace.at(-1)?.time ?? 0,
    };
  };
  return { sim, world, trace, random, finish };
}

export function describeCondition(c: Condition): string {
  return c.tcp !== undefined ? `${c.endpoint}.tcp ${c.tcp}` : `${c.endpoint}.ws ${c.ws}`;
}

export type { Endpoint, SimSocket };
