/**
 * The trace: the one choke point every event goes through. It stamps `seq` and `time`, appends, and
 * notifies subscribers synchronously, in order.
 */
import type { TraceEvent, TraceEventInput } from './events.js';

export type TraceListener = (event: TraceEvent) => void;

export class Trace {
  private readonly list: TraceEvent[] = [];
  private readonly listeners = new Set<TraceListener>();
  private count = 0;

  /**
   * @param keep false streams the trace: events go to subscribers only and `events` stays empty, so
   * memory does not grow with the length of a run.
   */
  constructor(
    private readonly now: () => number,
    readonly keep = true,
  ) {}

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
    return this.keep || this.listeners.size > 0;
  }

  /** Calls `listener` for every future event; returns the unsubscribe function. */
  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
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
