import { describe, expect, test } from 'vitest';
import { type ChatPeer, ChatRoom, parseJoin } from '../src/apps/chat.js';

function peer(id: string): ChatPeer & { inbox: unknown[] } {
  const inbox: unknown[] = [];
  return { id, inbox, sendText: (text) => inbox.push(JSON.parse(text)) };
}

describe("the blog's chat protocol", () => {
  test.each([
    ['type=add&ming=Muxer', 'Muxer'],
    ['type=add&ming=%E4%BD%A0%E5%A5%BD', '你好'],
    ['type=add&ming=', ''],
    ['type=add', ''],
    ['type=msg&ming=x', undefined],
    ['hello', undefined],
  ])('parseJoin(%j) is %j', (text, name) => {
    expect(parseJoin(text)).toBe(name);
  });

  test('a join is welcomed with 你好 and announced to the others', () => {
    const room = new ChatRoom();
    const a = peer('a');
    const b = peer('b');
    room.open(a);
    room.open(b);
    room.text(a, 'type=add&ming=Muxer');
    expect(a.inbox).toEqual([{ type: 'welcome', ming: 'Muxer', Muxer: '你好', users: ['Muxer'] }]);
    expect(b.inbox).toEqual([{ type: 'join', ming: 'Muxer' }]);
  });

  test('other text is broadcast to everyone with the sender name, leaving is announced', () => {
    const room = new ChatRoom();
    const a = peer('a');
    const b = peer('b');
    room.open(a);
    room.open(b);
    room.text(a, 'type=add&ming=A');
    room.text(b, 'hi there');
    expect(a.inbox.at(-1)).toEqual({ type: 'message', from: 'anonymous', text: 'hi there' });
    expect(b.inbox.at(-1)).toEqual({ type: 'message', from: 'anonymous', text: 'hi there' });
    room.close(a);
    expect(b.inbox.at(-1)).toEqual({ type: 'leave', ming: 'A' });
    expect(room.size).toBe(1);
  });

  test('empty and over-long names and binary messages get an error object, not silence', () => {
    const room = new ChatRoom();
    const a = peer('a');
    room.open(a);
    room.text(a, 'type=add&ming=');
    room.text(a, `type=add&ming=${'x'.repeat(65)}`);
    room.binary(a);
    expect(a.inbox).toHaveLength(3);
    expect(a.inbox.every((m) => (m as { type: string }).type === 'error')).toBe(true);
  });
});
