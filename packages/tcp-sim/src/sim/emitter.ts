/**
 * A minimal typed event emitter. Unlike node:events, an 'error' with no listener is not thrown: the
 * error is already in the trace, and a simulation must never crash because a script ignored it.
 *
 * Listeners are kept as (event, listener) pairs in one flat array, made on the first `on()`: a
 * socket has a handful of listeners, and ten thousand sockets with a Map and an array per event
 * each weigh on the garbage collector for nothing. Emitting scans the pairs; listeners of one event
 * run in the order they were added, over a snapshot when there are several (as node:events does).
 */
// biome-ignore lint/suspicious/noExplicitAny: listener tuples of any arity are checked by the typed wrappers
type AnyListener = (...args: any[]) => void;

export class Emitter {
  private listeners: Array<string | AnyListener> | undefined;

  protected addListener(event: string, listener: AnyListener, once = false): void {
    const wrapped: AnyListener = once
      ? (...args) => {
          this.removeListener(event, wrapped);
          listener(...args);
        }
      : listener;
    if (this.listeners) this.listeners.push(event, wrapped);
    else this.listeners = [event, wrapped];
  }

  protected removeListener(event: string, listener: AnyListener): void {
    const pairs = this.listeners;
    if (!pairs) return;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] === event && pairs[i + 1] === listener) {
        pairs.splice(i, 2);
        return;
      }
    }
  }

  protected emitEvent(event: string, ...args: unknown[]): boolean {
    const pairs = this.listeners;
    if (!pairs) return false;
    let first: AnyListener | undefined;
    let all: AnyListener[] | undefined;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] !== event) continue;
      const listener = pairs[i + 1] as AnyListener;
      if (!first) first = listener;
      else if (all) all.push(listener);
      else all = [first, listener];
    }
    if (!first) return false;
    if (!all) first(...args);
    else for (const listener of all) listener(...args);
    return true;
  }

  listenerCount(event: string): number {
    const pairs = this.listeners;
    let n = 0;
    if (pairs) for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === event) n++;
    return n;
  }
}
