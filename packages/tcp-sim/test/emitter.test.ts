/**
 * The sockets' event emitter keeps node:events' rules that scripts rely on: listeners run in the
 * order they were added; an emit calls the listeners there were when it began (one added or removed
 * by a listener takes effect from the next emit); `once` listeners run once; no listener, no throw.
 */
import { describe, expect, it } from 'vitest';
import { Emitter } from '../src/sim/emitter.js';

class Probe extends Emitter {
  on(event: string, listener: (...args: unknown[]) => void, once = false): this {
    this.addListener(event, listener, once);
    return this;
  }
  off(event: string, listener: (...args: unknown[]) => void): this {
    this.removeListener(event, listener);
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    return this.emitEvent(event, ...args);
  }
}

describe('socket events (node:events semantics)', () => {
  it('calls the listeners of one event in the order they were added, with the arguments', () => {
    const log: string[] = [];
    const e = new Probe()
      .on('data', (x) => log.push(`a${x}`))
      .on('end', () => log.push('end'))
      .on('data', (x) => log.push(`b${x}`));
    expect(e.emit('data', 1)).toBe(true);
    expect(log).toEqual(['a1', 'b1']);
    expect(e.listenerCount('data')).toBe(2);
    expect(e.emit('close')).toBe(false); // nobody listens: no throw, false
  });

  it('an emit calls the listeners there were when it began; changes count from the next emit', () => {
    const log: string[] = [];
    const e = new Probe();
    const late = () => log.push('late');
    const second = () => log.push('second');
    e.on('data', () => {
      log.push('first');
      e.on('data', late);
      e.off('data', second);
    });
    e.on('data', second);
    e.emit('data');
    expect(log).toEqual(['first', 'second']);
    log.length = 0;
    e.emit('data');
    expect(log).toEqual(['first', 'late']);
  });

  it('a once listener runs once; off removes one registration of a listener', () => {
    const log: string[] = [];
    const e = new Probe();
    const l = () => log.push('l');
    e.on('end', () => log.push('once'), true);
    e.on('end', l).on('end', l);
    e.emit('end');
    e.off('end', l);
    e.emit('end');
    expect(log).toEqual(['once', 'l', 'l', 'l']);
    expect(e.listenerCount('end')).toBe(1);
  });

  it('off removes a once listener by the function given to once, before it ever runs', () => {
    const e = new Probe();
    let calls = 0;
    const f = () => calls++;
    e.on('error', f, true);
    e.off('error', f);
    e.emit('error');
    expect(calls).toBe(0);
    expect(e.listenerCount('error')).toBe(0);
  });

  it('a once listener runs once even when an earlier listener emits the same event again', () => {
    const e = new Probe();
    let calls = 0;
    let again = true;
    e.on('error', () => {
      if (again) {
        again = false;
        e.emit('error');
      }
    });
    e.on('error', () => calls++, true);
    e.emit('error');
    expect(calls).toBe(1);
  });
});
