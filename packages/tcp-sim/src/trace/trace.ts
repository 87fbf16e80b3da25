/**
 * The trace: the one choke point every event goes through. It stamps `seq` and `time`, appends, and
 * notifies subscribers synchronously, in order.
 */
import type { TraceEvent, TraceEventInput } from './events.js';

export type TraceListener = (event: TraceEvent) => void;

/** Whether anyone sees trace events (the simulation's hot path asks before building one). */
export interface TraceState {
  readonly observed: boolean;
}

export class Trace implements TraceState {
  private readonly list: TraceEvent[] = [];
  private readonly listeners = new Set<TraceListener>();
  private count = 0;
  /** `observed`, kept up to date by subscribe (read for nearly every event the simulation could emit). */
  private seen: boolean;

  /**
   * @param keep false streams the trace: events go to subscribers only and `events` stays empty, so
   * memory does not grow with the length of a run.
   */
  constructor(
    private readonly now: () => number,
    readonly keep = true,
  ) {
    this.seen = keep;
  }

  /** Every event so far, in order; `events[i].seq === i` (empty when the trace is streamed). */
  get events(): readonly TraceEvent[] {
    return this.list;
  }

  /** Events emitted so far (kept or streamed). */
  get length(): number {
    return this.count;
  }

  /** Whether anyone would see an event (the hot path skips building views nobody reads). */
  get observed(): boolean {
    return this.seen;
  }

  /** Calls `listener` for every future event; returns the unsubscribe function. */
  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    this.seen = true;
    return () => {
      this.listeners.delete(listener);
      this.seen = this.keep || this.listeners.size > 0;
    };
  }

  emit(input: TraceEventInput): void {
    const seq = this.count++;
    if (!this.keep && this.listeners.size === 0) return;
    const event = { ...input, seq, time: this.now() } as TraceEvent;
    if (this.keep) this.list.push(event);
    for (const listener of this.listeners) listener(event);
  }
}
