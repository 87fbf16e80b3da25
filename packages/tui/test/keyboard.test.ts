import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { keyboard } from '../src/cli/interactive.js';

const stream = (isTTY: boolean) =>
  Object.assign(new Readable({ read() {} }), { isTTY }) as unknown as NodeJS.ReadStream;

describe('where keys come from (issue: with stdin not a terminal, keys silently stopped working)', () => {
  it('a terminal on stdin is used as it is', () => {
    const stdin = stream(true);
    expect(keyboard(stdin, () => 0)).toEqual({ stream: stdin, own: false });
  });

  it('stdin not a terminal and no /dev/tty: no keyboard, so the caller can say so and quit', () => {
    const noTty = () => {
      throw Object.assign(new Error('ENXIO: no such device or address'), { code: 'ENXIO' });
    };
    expect(keyboard(stream(false), noTty)).toBeUndefined();
  });
});
