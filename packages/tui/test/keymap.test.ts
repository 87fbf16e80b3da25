import { describe, expect, it } from 'vitest';
import { actionFor, keyName, keyNames, PLAYBACK_BINDINGS } from '../src/state/keymap.js';

describe('keyName turns an Ink key press into one name', () => {
  it.each([
    [' ', {}, 'space'],
    ['', { rightArrow: true }, 'right'],
    ['', { leftArrow: true }, 'left'],
    ['', { upArrow: true }, 'up'],
    ['', { return: true }, 'enter'],
    ['', { escape: true }, 'escape'],
    ['c', { ctrl: true }, 'ctrl+c'],
    ['G', {}, 'G'],
    ['?', {}, '?'],
  ])('%j with %j is %s', (input, key, name) => {
    expect(keyName(input, key)).toBe(name);
  });
});

describe('the keymap table', () => {
  it.each([
    ['space', 'toggle-play'],
    ['right', 'step'],
    ['left', 'back'],
    ['+', 'speed'],
    ['s', 'next-state-change'],
    ['d', 'drop-next'],
    ['c', 'corrupt-next'],
    ['L', 'toggle-loss'],
    ['m', 'send-message'],
    ['x', 'close'],
    ['a', 'abort'],
    ['r', 'restart'],
    ['o', 'open-picker'],
    ['?', 'toggle-help'],
    ['q', 'quit'],
  ])('while playing, %s means %s', (name, type) => {
    expect(actionFor(name, 'none')?.type).toBe(type);
  });

  it('no key is bound twice in the playback table', () => {
    const keys = PLAYBACK_BINDINGS.flatMap((b) => b.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('in the picker, arrows move the choice and enter chooses; playback keys do nothing', () => {
    expect(actionFor('down', 'picker')).toEqual({ type: 'picker-move', delta: 1 });
    expect(actionFor('enter', 'picker')).toEqual({ type: 'picker-choose' });
    expect(actionFor('d', 'picker')).toBeUndefined();
  });

  it('in help, ? and escape close it and d does nothing', () => {
    expect(actionFor('?', 'help')?.type).toBe('toggle-help');
    expect(actionFor('escape', 'help')?.type).toBe('toggle-help');
    expect(actionFor('d', 'help')).toBeUndefined();
  });

  it('an unbound key maps to nothing', () => {
    expect(actionFor('z', 'none')).toBeUndefined();
  });
});

describe('keyNames: every key of one read (issue: jjj, pasted ll, key repeat over ssh)', () => {
  it.each([
    ['jjj', {}, ['j', 'j', 'j']],
    ['ll', {}, ['l', 'l']],
    ['10l', {}, ['1', '0', 'l']],
    ['l l', {}, ['l', 'space', 'l']],
    ['j\r', {}, ['j', 'enter']],
    ['\u0003q', {}, ['ctrl+c', 'q']],
    ['l', {}, ['l']],
    ['', { rightArrow: true }, ['right']],
    ['c', { ctrl: true }, ['ctrl+c']],
  ])('%j with %j is %j', (input, key, names) => {
    expect(keyNames(input, key)).toEqual(names);
  });

  it('digits map to a count and u to undo', () => {
    expect(actionFor('7', 'none')).toEqual({ type: 'digit', digit: 7 });
    expect(actionFor('u', 'none')).toEqual({ type: 'undo' });
  });
});
