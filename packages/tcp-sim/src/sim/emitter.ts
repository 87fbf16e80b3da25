/**
 * A minimal typed event emitter. Unlike node:events, an 'error' with no listener is not thrown: the
 * error is already in the trace, and a simulation must never crash because a script ignored it.
 */
// biome-ignore lint/suspicious/noExplicitAny: listener tuples of any arity are checked by the typed wrappers
type AnyListener = (...args: any[]) => void;

export class Emitter {
  private readonly listeners = new Map<string, AnyListener[]>();

  protected addListener(event: string, listener: AnyListener, once = false): void {
    const wrapped: AnyListener = once
      ? (...args) => {
          this.removeListener(event, wrapped);
          listener(...args);
        }
      : listener;
    const list = this.listeners.get(event);
    if (list) list.push(wrapped);
    else this.listeners.set(event, [wrapped]);
  }

  protected removeListener(event: string, listener: AnyListener): void {
    const list = this.listeners.get(event);
    if (!list) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  }

  protected emitEvent(event: string, ...args: unknown[]): boolean {
    const list = this.listeners.get(event);
    if (!list || list.length === 0) return false;
    if (list.length === 1) list[0]!(...args);
    else for (const listener of [...list]) listener(...args);
    return true;
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}
