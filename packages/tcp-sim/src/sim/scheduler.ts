/**
 * The discrete-event scheduler that owns virtual time.
 *
 * Theory of operation: events are ordered by (time, phase, insertion number). The phase encodes the
 * documented order of one instant: application calls (0), then segment arrivals (1, in the order they
 * were sent, which is their insertion order), then timers (2, in the order they were armed). Ties
 * therefore never depend on sort quirks. Cancelling takes the entry out of its heap at once (each
 * entry knows its index), so cancelled timers never pile up behind live ones.
 *
 * Events wait in four binary min-heaps ("lanes", each ordered by time, then insertion number):
 * application calls, arrivals, near timers and far timers (due in FAR_TIMER_MS or more). The next
 * event is the smallest of the four tops under the full (time, phase, order) key, so the order is
 * exactly that of one heap; the split is for speed. Arrivals come and go within microseconds of
 * virtual time, and in one heap each would sift through every pending timer. Near timers (RTO,
 * delayed ACK) are armed and cancelled for nearly every segment; far ones (TIME-WAIT's 2MSL,
 * keep-alive) pile up by the thousand with many connections, and apart from them a near timer sifts
 * only through the few other near ones.
 *
 * Virtual time is exact: the scheduler keeps integer microseconds (times given in ms are rounded to
 * the microsecond once, when scheduled), so equal times compare equal and a difference of two times
 * is exact. The public clock reads milliseconds (`now`, `peekTime`). A timer that, firing at an
 * instant, arms a timer for the same instant, again and again, would stop time: after
 * SAME_INSTANT_LIMIT such re-arms the scheduler throws a TimerLivelockError naming the instant.
 */

/** Timer re-arms for the instant being run, in one chain, before the scheduler reports a livelock. */
export const SAME_INSTANT_LIMIT = 1000;

/** A timer kept re-arming itself for the same instant: virtual time could never move on. */
export class TimerLivelockError extends Error {
  constructor(readonly timeMs: number) {
    super(
      `a timer re-armed itself for the same instant ${SAME_INSTANT_LIMIT} times without time moving (t=${timeMs} ms)`,
    );
    this.name = 'TimerLivelockError';
  }
}

import { toMicros } from '../endpoint/timers.js';

export const PHASE_APP = 0;
export const PHASE_ARRIVAL = 1;
export const PHASE_TIMER = 2;
export type Phase = typeof PHASE_APP | typeof PHASE_ARRIVAL | typeof PHASE_TIMER;

/** A timer due this far ahead (ms) or more waits in the far lane. */
const FAR_TIMER_MS = 10_000;
const LANE_FAR_TIMER = 3;

export interface ScheduledEvent {
  /** Integer microseconds. */
  readonly time: number;
  readonly phase: Phase;
  readonly order: number;
  cancelled: boolean;
  readonly run: () => void;
  /** The heap (lane) it waits in: its phase, or LANE_FAR_TIMER. */
  readonly lane: number;
  /** Position in its lane's heap (-1 once run or cancelled): lets cancel() take it out at once. */
  heapIndex: number;
  /** Timers in a row armed for the instant they fired at (0 for any other event). */
  readonly chain: number;
}

export type StopReason = 'idle' | 'until' | 'maxEvents';

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.phase !== b.phase) return a.phase < b.phase;
  return a.order < b.order;
}

/**
 * A binary min-heap of events of one lane, by (time, insertion order), in which every event knows
 * its position. A cancelled event is taken out at once rather than left to be skipped when it
 * reaches the top: most timers (an RTO restarted by every ACK) are cancelled long before their
 * deadline, and left in place they would pile up for the whole deadline, fill the heap and outlive
 * the young generation only to die in the old one.
 */
class EventHeap {
  private readonly items: ScheduledEvent[] = [];

  get first(): ScheduledEvent | undefined {
    return this.items[0];
  }

  push(event: ScheduledEvent): void {
    this.items.push(event);
    this.siftUp(event, this.items.length - 1);
  }

  /** Takes `event` (which is in this heap) out. */
  remove(event: ScheduledEvent): void {
    const items = this.items;
    const i = event.heapIndex;
    event.heapIndex = -1;
    const last = items.pop()!;
    if (last === event) return; // it was the last item
    // The last item fills the hole and moves up or down to where it belongs.
    if (i > 0 && before(last, items[(i - 1) >> 1]!)) this.siftUp(last, i);
    else this.siftDown(last, i);
  }

  private siftUp(event: ScheduledEvent, from: number): void {
    const items = this.items;
    let i = from;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!before(event, p)) break;
      items[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    items[i] = event;
    event.heapIndex = i;
  }

  private siftDown(event: ScheduledEvent, from: number): void {
    const items = this.items;
    const n = items.length;
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(items[r]!, items[l]!) ? r : l;
      const c = items[child]!;
      if (!before(c, event)) break;
      items[i] = c;
      c.heapIndex = i;
      i = child;
    }
    items[i] = event;
    event.heapIndex = i;
  }
}

export class Scheduler {
  /** One heap per lane: the three phases, then far timers. */
  private readonly heaps: readonly [EventHeap, EventHeap, EventHeap, EventHeap] = [
    new EventHeap(),
    new EventHeap(),
    new EventHeap(),
    new EventHeap(),
  ];
  private counter = 0;
  private live = 0;
  /** Events run so far: identifies the input being processed (one event, one turn). */
  private turns = 0;
  /** Virtual time, integer microseconds. */
  private current = 0;
  /** The event being run. */
  private running: ScheduledEvent | undefined;

  /** Virtual time in ms (exactly the integer microseconds / 1000). */
  get now(): number {
    return this.current / 1000;
  }

  /** Virtual time in integer microseconds. */
  get nowMicros(): number {
    return this.current;
  }

  /** The number of the event being run (or last run): work done in one turn answers one input. */
  get turn(): number {
    return this.turns;
  }

  /** Number of pending (not cancelled) events. */
  get pending(): number {
    return this.live;
  }

  /** Schedules `run` at `timeMs` (rounded to the microsecond). */
  schedule(timeMs: number, phase: Phase, run: () => void): ScheduledEvent {
    const time = toMicros(timeMs);
    if (!(time >= this.current))
      throw new RangeError(`cannot schedule in the past: ${timeMs} < ${this.current / 1000}`);
    let chain = 0;
    const running = this.running;
    if (
      phase === PHASE_TIMER &&
      time === this.current &&
      running !== undefined &&
      running.phase === PHASE_TIMER
    ) {
      chain = running.chain + 1;
      if (chain >= SAME_INSTANT_LIMIT) throw new TimerLivelockError(this.current / 1000);
    }
    const lane = phase === PHASE_TIMER && time - this.current >= FAR_TIMER_MS * 1000 ? LANE_FAR_TIMER : phase;
    const event: ScheduledEvent = {
      time,
      phase,
      order: this.counter++,
      cancelled: false,
      run,
      lane,
      heapIndex: -1,
      chain,
    };
    this.heaps[lane]!.push(event);
    this.live++;
    return event;
  }

  cancel(event: ScheduledEvent): void {
    if (event.cancelled) return;
    event.cancelled = true;
    this.heaps[event.lane]!.remove(event);
    this.live--;
  }

  /** Time (ms) of the next live event, or undefined when idle. */
  peekTime(): number | undefined {
    const next = this.next();
    return next === undefined ? undefined : next.time / 1000;
  }

  /** Runs one event; false when there is none. */
  step(): boolean {
    const event = this.next();
    if (!event) return false;
    this.runEvent(event);
    return true;
  }

  /** Runs events up to and including time `untilMs` (or none left), then sets the clock to it. */
  run(untilMs: number, maxEvents: number): { reason: StopReason; events: number } {
    const until = untilMs === Number.POSITIVE_INFINITY ? untilMs : toMicros(untilMs);
    let events = 0;
    for (;;) {
      const next = this.next();
      if (next === undefined) {
        if (until !== Number.POSITIVE_INFINITY && until > this.current) this.current = until;
        return { reason: 'idle', events };
      }
      if (next.time > until) {
        this.current = until;
        return { reason: 'until', events };
      }
      if (events >= maxEvents) return { reason: 'maxEvents', events };
      this.runEvent(next);
      events++;
    }
  }

  /** Takes `event` (the current top of its lane) off and runs it. */
  private runEvent(event: ScheduledEvent): void {
    this.heaps[event.lane]!.remove(event);
    this.live--;
    event.cancelled = true;
    this.current = event.time;
    this.turns++;
    this.running = event;
    try {
      event.run();
    } finally {
      this.running = undefined;
    }
  }

  /** The live event that runs next: the earliest of the four lanes' tops. */
  private next(): ScheduledEvent | undefined {
    let best = this.heaps[0].first;
    const arrival = this.heaps[1].first;
    if (arrival && (!best || before(arrival, best))) best = arrival;
    const timer = this.heaps[2].first;
    if (timer && (!best || before(timer, best))) best = timer;
    const far = this.heaps[3].first;
    if (far && (!best || before(far, best))) best = far;
    return best;
  }
}
