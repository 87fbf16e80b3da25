/**
 * A reconnecting client with exponential backoff across a 30 s partition, in instant mode: the
 * client's timers (heartbeat, connect timeout, backoff) and TCP's run on one virtual clock, so the
 * minute of virtual time takes a fraction of a second (measured in `pnpm bench`, not asserted here).
 */
import { describe, expect, it } from 'vitest';
import { runSimulatedNetwork } from '../../src/net/index.js';
import { type LogEntry, reconnectingClient } from './reconnecting-client.js';

describe('a reconnecting client across a partition (instant mode)', () => {
  it('detects the partition, backs off exponentially while it lasts, and reconnects once it heals', async () => {
    const log = await runSimulatedNetwork({ seed: 4, link: { delay: 20 }, artifacts: false }, async (n) => {
      n.server.createServer((s) => s.pipe(s)).listen(80);
      const log: LogEntry[] = [];
      const client = reconnectingClient(() => n.client.connect(80, 'server'), log);
      await n.sleep(10_000);
      n.partition();
      await n.sleep(30_000);
      n.heal();
      await n.sleep(20_000);
      client.stop();
      return log;
    });
    const opens = log.filter((e) => e.what === 'open').map((e) => e.at);
    const retries = log.filter((e) => e.what.startsWith('retry')).map((e) => Number(e.what.slice(9)));
    // Open at once (one round trip of the handshake), and again after the partition healed at 40 s.
    expect(opens).toHaveLength(2);
    expect(opens[0]).toBe(40);
    expect(opens[1]).toBeGreaterThan(40_000);
    expect(opens[1]! - 40_000).toBeLessThanOrEqual(8000 + 3000 + 40); // one backoff + one connect timeout + RTT
    // Every attempt during the partition timed out after 3 s; the backoff doubled from 250 ms up to its 8 s cap.
    expect(retries).toEqual([250, 500, 1000, 2000, 4000, 8000]);
    // The partition was noticed by the heartbeat within 3 s (+ one beat).
    const firstRetry = log.find((e) => e.what.startsWith('retry'))!;
    expect(firstRetry.at).toBeGreaterThan(10_000);
    expect(firstRetry.at).toBeLessThanOrEqual(14_000);
  });
});
