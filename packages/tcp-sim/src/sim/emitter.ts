/**
 * A minimal typed event emitter. Unlike node:events, an 'error' with no listener is not thrown: the
 * error is already in the trace, and a simulation must never crash because a script ignored it.
 *
 * Listeners are kept as (event, listener) pairs in one flat array, made on the first `on()` and
 * replaced (never changed in place) when a listener comes or goes. A socket has a handful of
 * listeners, added once; ten thousand sockets with a Map, an array per event and arrays grown with
 * spare room weigh on the garbage collector for nothing. Because the array is never changed in
 * place, emitting can walk it while listeners add or remove others: like node:events, an emit calls
 * the listeners there were when it began, in the order they were added.
 */
// biome-ignore lint/suspicious/noExplicitAny: listener tuples of any arity are checked by the typed wrappers
type AnyListener = (...args: any[]) => void;

const NONE: ReadonlyArray<string | AnyListener> = [];

interface OnceWrapper extends AnyListener {
  readonly listener: AnyListener;
}

/**
 * A once-listener: removed before it runs, and run at most once even when an earlier listener emits
 * the same event again during the emit (the emit in progress still walks the old array).
 */
function onceWrapper(listener: AnyListener, remove: (wrapper: AnyListener) => void): OnceWrapper {
  let fired = false;
  const wrapper: OnceWrapper = Object.assign(
    (...args: unknown[]) => {
      if (fired) return;
      fired = true;
      remove(wrapper);
      listener(...args);
    },
    { listener },
  );
  return wrapper;
}

export class Emitter {
  private listeners: ReadonlyArray<string | AnyListener> = NONE;

  protected addListener(event: string, listener: AnyListener, once = false): void {
    const entry = once ? onceWrapper(listener, (w) => this.removeListener(event, w)) : listener;
    this.listeners = this.listeners.concat([event, entry]); // exact size (a spread or push leaves slack)
  }

  /**
   * Removes the most recently added registration of the listener, or of a once-wrapper of it, as
   * node:events does (`off` removes a `once`).
   */
  protected removeListener(event: string, listener: AnyListener): void {
    const pairs = this.listeners;
    for (let i = pairs.length - 2; i >= 0; i -= 2) {
      const l = pairs[i + 1] as AnyListener | OnceWrapper;
      if (pairs[i] === event && (l === listener || (l as OnceWrapper).listener === listener)) {
        this.listeners = pairs.slice(0, i).concat(pairs.slice(i + 2));
        return;
      }
    }
  }

  protected emitEvent(event: string, ...args: unknown[]): boolean {
    const pairs = this.listeners;
    let called = false;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] !== event) continue;
      (pairs[i + 1] as AnyListener)(...args);
      called = true;
    }
    return called;
  }

  listenerCount(event: string): number {
    const pairs = this.listeners;
    let n = 0;
    for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === event) n++;
    return n;
  }
}
