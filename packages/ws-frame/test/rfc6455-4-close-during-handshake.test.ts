import { describe, expect, test } from 'vitest';
import { WebSocketProtocol } from '../src/index.js';

const random = (length: number) => new Uint8Array(length).fill(7);

describe('RFC 6455 4.1 + 7.1: a close during the opening handshake is final', () => {
  test('close() called while the 101 response is being reported leaves the connection CLOSED, never OPEN', () => {
    const client = new WebSocketProtocol({
      role: 'client',
      handshake: { host: 'example', path: '/' },
      random,
    });
    const server = new WebSocketProtocol({ role: 'server' });
    for (const chunk of client.takeOutgoing()) server.receive(chunk);
    const response = server.takeOutgoing();
    const states: string[] = [];
    client.setEventListener((event) => {
      if (event.type === 'handshake-response') client.close();
      if (event.type === 'state') states.push(`${event.from}>${event.to}`);
    });
    for (const chunk of response) client.receive(chunk);
    expect(client.state).toBe('CLOSED');
    expect(states).toEqual(['CONNECTING>CLOSED']);
    expect(client.takeEvents().some((e) => e.type === 'open')).toBe(false);
  });
});
