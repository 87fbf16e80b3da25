/**
 * Minimal DOM-shaped events for the browser-shaped WebSocket (Node 20 lacks CloseEvent), and a small
 * listener registry with the EventTarget semantics the WebSocket interface relies on.
 */
export class WsEvent {
  readonly type: string;
  target: unknown = null;
  constructor(type: string) {
    this.type = type;
  }
  get currentTarget(): unknown {
    return this.target;
  }
}

export class WsMessageEvent<T = unknown> extends WsEvent {
  readonly data: T;
  readonly origin: string;
  constructor(data: T, origin: string) {
    super('message');
    this.data = data;
    this.origin = origin;
  }
}

export class WsCloseEvent extends WsEvent {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(init: { code: number; reason: string; wasClean: boolean }) {
    super('close');
    this.code = init.code;
    this.reason = init.reason;
    this.wasClean = init.wasClean;
  }
}

export class WsErrorEvent extends WsEvent {
  readonly error: Error | null;
  readonly message: string;
  constructor(error: Error | null) {
    super('error');
    this.error = error;
    this.message = error?.message ?? '';
  }
}

export type Listener<E> = ((event: E) => void) | { handleEvent(event: E): void };

interface Registration {
  listener: Listener<never>;
  once: boolean;
}

export class ListenerRegistry {
  private readonly byType = new Map<string, Registration[]>();

  add(type: string, listener: Listener<never>, once: boolean): void {
    const list = this.byType.get(type) ?? [];
    if (list.some((r) => r.listener === listener)) return;
    list.push({ listener, once });
    this.byType.set(type, list);
  }

  remove(type: string, listener: Listener<never>): void {
    const list = this.byType.get(type);
    if (list)
      this.byType.set(
        type,
        list.filter((r) => r.listener !== listener),
      );
  }

  /** Calls every listener for `event.type`; a throwing listener does not stop the others. */
  dispatch(event: WsEvent, reportError: (error: unknown) => void): void {
    for (const r of [...(this.byType.get(event.type) ?? [])]) {
      if (r.once) this.remove(event.type, r.listener);
      try {
        const l = r.listener as Listener<WsEvent>;
        if (typeof l === 'function') l(event);
        else l.handleEvent(event);
      } catch (error) {
        reportError(error);
      }
    }
  }
}
