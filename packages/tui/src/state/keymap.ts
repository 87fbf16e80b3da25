/**
 * The keymap: a pure table from key names to player actions. The help overlay is drawn from the same
 * table, so every key that does something is listed, and nothing listed is missing.
 *
 * Ink reports a key press as `(input, key)`; `keyName` turns that into one name ('space', 'right', 'd',
 * 'ctrl+c'), and `actionFor` looks it up in the table for the current overlay.
 */
import type { Overlay, PlayerAction } from './player.js';

/** The subset of Ink's `Key` the keymap reads. */
export interface KeyFlags {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly ctrl?: boolean;
  readonly tab?: boolean;
}

/** What each binding does, as a key into the help text of narration/{en,zh}. */
export type HelpKey =
  | 'play-pause'
  | 'step'
  | 'back'
  | 'start'
  | 'end'
  | 'faster'
  | 'slower'
  | 'next-state'
  | 'select-up'
  | 'select-down'
  | 'follow'
  | 'pane'
  | 'scroll'
  | 'drop'
  | 'corrupt'
  | 'loss'
  | 'send'
  | 'close'
  | 'abort'
  | 'restart'
  | 'picker'
  | 'profile'
  | 'help'
  | 'quit'
  | 'count'
  | 'undo';

export interface Binding {
  /** Key names as `keyName` produces them; the first is the one shown in help. */
  readonly keys: readonly string[];
  readonly action: PlayerAction;
  readonly help: HelpKey;
}

export const PLAYBACK_BINDINGS: readonly Binding[] = [
  { keys: ['space', 'p'], action: { type: 'toggle-play' }, help: 'play-pause' },
  { keys: ['right', 'l'], action: { type: 'step' }, help: 'step' },
  { keys: ['left', 'h'], action: { type: 'back' }, help: 'back' },
  { keys: ['home', 'g'], action: { type: 'seek', to: 'start' }, help: 'start' },
  { keys: ['end', 'G'], action: { type: 'seek', to: 'end' }, help: 'end' },
  { keys: ['+', '='], action: { type: 'speed', delta: 1 }, help: 'faster' },
  { keys: ['-', '_'], action: { type: 'speed', delta: -1 }, help: 'slower' },
  { keys: ['s', 'tab'], action: { type: 'next-state-change' }, help: 'next-state' },
  { keys: ['up', 'k'], action: { type: 'select', delta: -1 }, help: 'select-up' },
  { keys: ['down', 'j'], action: { type: 'select', delta: 1 }, help: 'select-down' },
  { keys: ['escape', 'f'], action: { type: 'follow' }, help: 'follow' },
  { keys: ['i'], action: { type: 'toggle-pane' }, help: 'pane' },
  { keys: [']', 'pagedown'], action: { type: 'scroll-inspector', delta: 8 }, help: 'scroll' },
  { keys: ['[', 'pageup'], action: { type: 'scroll-inspector', delta: -8 }, help: 'scroll' },
  { keys: ['d'], action: { type: 'drop-next' }, help: 'drop' },
  { keys: ['c'], action: { type: 'corrupt-next' }, help: 'corrupt' },
  { keys: ['L'], action: { type: 'toggle-loss' }, help: 'loss' },
  { keys: ['m'], action: { type: 'send-message' }, help: 'send' },
  { keys: ['x'], action: { type: 'close' }, help: 'close' },
  { keys: ['a'], action: { type: 'abort' }, help: 'abort' },
  { keys: ['u'], action: { type: 'undo' }, help: 'undo' },
  { keys: ['r'], action: { type: 'restart' }, help: 'restart' },
  { keys: ['o'], action: { type: 'open-picker' }, help: 'picker' },
  { keys: ['t'], action: { type: 'toggle-profile' }, help: 'profile' },
  { keys: ['?'], action: { type: 'toggle-help' }, help: 'help' },
  { keys: ['q', 'ctrl+c'], action: { type: 'quit' }, help: 'quit' },
  ...digitBindings(),
];

/** 0-9 build a count for the next key (the help shows one line for all of them). */
function digitBindings(): Binding[] {
  return Array.from({ length: 10 }, (_, d) => ({
    keys: [String(d)],
    action: { type: 'digit', digit: d } as const,
    help: 'count' as const,
  }));
}

const PICKER_BINDINGS: readonly Binding[] = [
  { keys: ['up', 'k'], action: { type: 'picker-move', delta: -1 }, help: 'select-up' },
  { keys: ['down', 'j'], action: { type: 'picker-move', delta: 1 }, help: 'select-down' },
  { keys: ['enter'], action: { type: 'picker-choose' }, help: 'picker' },
  { keys: ['escape', 'o'], action: { type: 'close-overlay' }, help: 'picker' },
  { keys: ['q', 'ctrl+c'], action: { type: 'quit' }, help: 'quit' },
];

const HELP_BINDINGS: readonly Binding[] = [
  { keys: ['?', 'escape', 'enter', 'space'], action: { type: 'toggle-help' }, help: 'help' },
  { keys: ['q', 'ctrl+c'], action: { type: 'quit' }, help: 'quit' },
];

function tableOf(bindings: readonly Binding[]): ReadonlyMap<string, PlayerAction> {
  return new Map(bindings.flatMap((b) => b.keys.map((k) => [k, b.action] as const)));
}

const PROFILE_BINDINGS: readonly Binding[] = [
  { keys: ['t', 'escape', 'enter', 'space'], action: { type: 'toggle-profile' }, help: 'profile' },
  { keys: ['q', 'ctrl+c'], action: { type: 'quit' }, help: 'quit' },
];

const TABLES: Readonly<Record<Overlay, ReadonlyMap<string, PlayerAction>>> = {
  none: tableOf(PLAYBACK_BINDINGS),
  picker: tableOf(PICKER_BINDINGS),
  help: tableOf(HELP_BINDINGS),
  profile: tableOf(PROFILE_BINDINGS),
};

/** One name per key press: named keys first, then ctrl+letter, then the character itself. */
export function keyName(input: string, key: KeyFlags): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return 'tab';
  if (key.ctrl) return `ctrl+${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input;
}

/**
 * Every key in one read of the terminal, in order. Ink 6 hands `useInput` a whole read as one string
 * when it holds no escape sequence: `jjj` typed fast, `ll` pasted, key repeat over ssh all arrive as one
 * call. Escape sequences (arrows, mouse reports) arrive one per call, already split by Ink.
 */
export function keyNames(input: string, key: KeyFlags): string[] {
  const named = keyName(input, key);
  if (named !== input || [...input].length <= 1) return [named];
  return [...input].map(charName);
}

/** The name of one character of a multi-key read, as `keyName` would name it alone. */
function charName(ch: string): string {
  switch (ch) {
    case ' ':
      return 'space';
    case '\r':
    case '\n':
      return 'enter';
    case '\t':
      return 'tab';
    case '\u007f':
    case '\b':
      return 'backspace';
    default: {
      const code = ch.codePointAt(0) ?? 0;
      // C0 controls are ctrl+letter: 0x03 is ctrl+c.
      return code > 0 && code < 0x20 ? `ctrl+${String.fromCharCode(code + 0x60)}` : ch;
    }
  }
}

export function actionFor(name: string, overlay: Overlay): PlayerAction | undefined {
  return TABLES[overlay].get(name);
}
