/**
 * Driving the App in tests without wall time: a fake clock the App's playback ticks are armed on (the
 * test moves it), and `flush()`, which lets Ink's input parser and React's render run (they take a turn
 * or two of the event loop, never a timer), instead of polling the frame for up to hundreds of ms.
 */
import type { TickClock } from '../src/app.js';

export class FakeClock implements TickClock {
  private now = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; run: () => void }>();
  /** How many timers have been armed so far. */
  armed = 0;

  setTimeout(run: () => void, ms: number): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + ms, run });
    this.armed++;
    return id;
  }

  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in deadline order, letting the UI render after each. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      let due: [number, { at: number; run: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= end && (due === undefined || entry[1].at < due[1].at)) due = entry;
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].run();
      await flush();
    }
    this.now = end;
  }
}

/**
 * Lets pending input (an escape sequence waits one setImmediate), the render that follows, and any
 * effect that dispatches again (a refused intervention) run: turns of the event loop, never wall time.
 */
export async function flush(turns = 12): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
