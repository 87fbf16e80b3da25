/**
 * The trace: the one choke point every event goes through. It stamps `seq` and `time`, appends, and
 * notifies subscribers synchronously, in order.
 */
import type { TraceEvent, TraceEventInput } from './events.js';

export type TraceListener = (event: TraceEvent) => void;

export class Trace {
  private readonly list: TraceEvent[] = [];
  private readonly listeners = new Set<TraceListener>();

  constructor(private readonly now: () => number) {}

  /** Every event so far, in order; `events[i].seq === i`. */
  get events(): readonly TraceEvent[] {
    return this.list;
  }

  /** Calls `listener` for every future event; returns the unsubscribe function. */
  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(input: TraceEventInput): TraceEvent {
    const event = { ...input, seq: this.list.length, time: this.now() } as TraceEvent;
    this.list.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }
}
