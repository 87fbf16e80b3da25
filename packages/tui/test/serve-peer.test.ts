/** The pure parts of `synack serve`: the global bound's choice of peers to drop and the log builder. */
import { describe, expect, it } from 'vitest';
import { closeEntry, openEntry, type PeerFacts } from '../src/serve/log.js';
import { slowestOverBudget } from '../src/serve/peer.js';

describe('slowestOverBudget: a bound on bytes queued for all peers together', () => {
  const peers = (...queued: number[]) => queued.map((bufferedBytes, i) => ({ name: `p${i}`, bufferedBytes }));
  it.each([
    ['within the bound: nobody', [10, 20, 30], 60, []],
    ['one over: the slowest alone', [10, 50, 30], 60, ['p1']],
    ['far over: slowest first until within', [40, 10, 30, 20], 35, ['p0', 'p2']],
    ['ties keep arrival order', [30, 30, 5], 40, ['p0']],
    ['peers with nothing queued are never dropped', [0, 0, 100], 10, ['p2']],
  ] as const)('%s', (_name, queued, max, expected) => {
    expect(slowestOverBudget(peers(...queued), max).map((d) => d.peer.name)).toEqual(expected);
  });

  it('reports each dropped peer with its queue and the total before it was dropped', () => {
    expect(slowestOverBudget(peers(40, 10, 30), 35)).toEqual([
      { peer: { name: 'p0', bufferedBytes: 40 }, queued: 40, total: 80 },
      { peer: { name: 'p2', bufferedBytes: 30 }, queued: 30, total: 40 },
    ]);
  });
});

describe('serve log entries built from a peer', () => {
  const peer: PeerFacts = {
    id: 7,
    remote: '127.0.0.1:5000',
    path: '/chat',
    openedAt: 1000,
    messagesIn: 3,
    messagesOut: 4,
    ending: null,
    transportNote: null,
  };
  it('open: id, remote, path and protocol', () => {
    expect(openEntry(peer, 'chat')).toEqual({
      event: 'open',
      id: 7,
      remote: '127.0.0.1:5000',
      path: '/chat',
      protocol: 'chat',
    });
  });
  it.each([
    [
      'the peer closed with a code',
      peer,
      { code: 1000, reason: 'bye', wasClean: true },
      { code: 1000, by: 'peer', reason: 'bye' },
    ],
    [
      'the transport went away (1006)',
      { ...peer, transportNote: 'ECONNRESET' },
      { code: 1006, reason: '', wasClean: false },
      { code: 1006, by: 'transport', note: 'ECONNRESET' },
    ],
    [
      'the server dropped a slow reader: its code and note win',
      { ...peer, ending: { code: 1006, reason: '', note: 'slow reader: 9 bytes queued' } },
      { code: 1006, reason: '', wasClean: false },
      { code: 1006, by: 'server', note: 'slow reader: 9 bytes queued' },
    ],
    [
      'the server closed idle with 1001',
      { ...peer, ending: { code: 1001, reason: 'idle timeout', note: 'idle' } },
      { code: 1001, reason: 'idle timeout', wasClean: true },
      { code: 1001, by: 'server', reason: 'idle timeout', note: 'idle' },
    ],
  ] as const)('close: %s', (_name, facts, closed, expected) => {
    const entry = closeEntry(facts, closed, 3500.4);
    expect(entry).toMatchObject({
      event: 'close',
      id: 7,
      messagesIn: 3,
      messagesOut: 4,
      durationMs: 2500,
      ...expected,
    });
    if (!('note' in expected)) expect(entry).not.toHaveProperty('note');
  });
});
