/**
 * The discrete-event scheduler that owns virtual time.
 *
 * Theory of operation: a binary min-heap of events keyed by (time, phase, insertion number). The
 * phase encodes the documented order of one instant: application calls (0), then segment arrivals
 * (1, in the order they were sent, which is their insertion order), then timers (2, in the order they
 * were armed). Ties therefore never depend on sort quirks. Cancelling marks an entry dead; dead
 * entries are skipped when they reach the top.
 */

export const PHASE_APP = 0;
export const PHASE_ARRIVAL = 1;
export const PHASE_TIMER = 2;
export type Phase = typeof PHASE_APP | typeof PHASE_ARRIVAL | typeof PHASE_TIMER;

export interface ScheduledEvent {
  readonly time: number;
  readonly phase: Phase;
  readonly order: number;
  cancelled: boolean;
  readonly run: () => void;
}

export type StopReason = 'idle' | 'until' | 'maxEvents';

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.phase !== b.phase) return a.phase < b.phase;
  return a.order < b.order;
}

export class Scheduler {
  private heap: ScheduledEvent[] = [];
  private counter = 0;
  private live = 0;
  private current = 0;

  /** Virtual time in ms. */
  get now(): number {
    return this.current;
  }

  /** Number of pending (not cancelled) events. */
  get pending(): number {
    return this.live;
  }

  schedule(time: number, phase: Phase, run: () => void): ScheduledEvent {
    if (!(time >= this.current))
      throw new RangeError(`cannot schedule in the past: ${time} < ${this.current}`);
    const event: ScheduledEvent = { time, phase, order: this.counter++, cancelled: false, run };
    this.heap.push(event);
    this.siftUp(this.heap.length - 1);
    this.live++;
    return event;
  }

  cancel(event: ScheduledEvent): void {
    if (event.cancelled) return;
    event.cancelled = true;
    this.live--;
  }

  /** Time of the next live event, or undefined when idle. */
  peekTime(): number | undefined {
    this.dropDead();
    return this.heap[0]?.time;
  }

  /** Runs one event; false when there is none. */
  step(): boolean {
    this.dropDead();
    const event = this.pop();
    if (!event) return false;
    this.live--;
    event.cancelled = true;
    this.current = event.time;
    event.run();
    return true;
  }

  /** Runs events up to and including time `until` (or none left), then sets the clock to `until`. */
  run(until: number, maxEvents: number): { reason: StopReason; events: number } {
    let events = 0;
    for (;;) {
      const next = this.peekTime();
      if (next === undefined) {
        if (until !== Number.POSITIVE_INFINITY && until > this.current) this.current = until;
        return { reason: 'idle', events };
      }
      if (next > until) {
        this.current = until;
        return { reason: 'until', events };
      }
      if (events >= maxEvents) return { reason: 'maxEvents', events };
      this.step();
      events++;
    }
  }

  private dropDead(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private pop(): ScheduledEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top !== undefined && last !== undefined && heap.length > 0) {
      heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const item = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(item, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[child]!, item)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = item;
  }
}
