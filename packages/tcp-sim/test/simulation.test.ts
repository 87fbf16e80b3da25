/**
 * The world: virtual time (step / advance / run and why they stop), the documented order at one
 * instant, the trace as a JSON-serialisable, append-only spine with subscribers, and input checks.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../src/index.js';
import { acceptAll, text, world } from './fixtures.js';

describe('virtual time and the scheduler', () => {
  it('DESIGN 2: step() runs one event, advance(ms) runs to a time, run() stops idle / at until / at maxEvents', () => {
    const sim = createSimulation({ seed: 1 });
    const seen: number[] = [];
    sim.schedule(10, () => seen.push(sim.now));
    sim.schedule(20, () => seen.push(sim.now));
    sim.schedule(30, () => seen.push(sim.now));
    expect(sim.step()).toBe(true);
    expect(seen).toEqual([10]);
    expect(sim.advance(5)).toEqual({ reason: 'until', events: 0, time: 15 });
    expect(sim.run({ maxEvents: 1 })).toEqual({ reason: 'maxEvents', events: 1, time: 20 });
    expect(sim.run()).toEqual({ reason: 'idle', events: 1, time: 30 });
    expect(sim.step()).toBe(false);
  });

  it('DESIGN 2: at one instant, application calls run before arrivals, and arrivals before timers', () => {
    const { sim, client, server } = world({}, { delay: 1000 });
    acceptAll(server);
    const order: string[] = [];
    sim.trace.subscribe((e) => {
      if (
        e.time === 1000 &&
        (e.type === 'segment.delivered' || e.type === 'timer.fired' || e.type === 'app.call')
      ) {
        order.push(e.type);
      }
    });
    client.connect({ address: '10.0.0.2', port: 80 }); // SYN arrives at 1000, the SYN timer fires at 1000
    sim.at(1000, () => client.connect({ address: '10.0.0.2', port: 80 }));
    sim.run({ until: 1000 });
    expect(order).toEqual(['app.call', 'segment.delivered', 'timer.fired']);
  });

  it('bad input is a typed error: past times, unknown hosts, bad links, duplicate names', () => {
    const { sim, client } = world();
    sim.advance(10);
    expect(() => sim.at(5, () => {})).toThrow(RangeError);
    expect(() => sim.setLink(client, 'nobody', { delay: 1 })).toThrow(RangeError);
    expect(() => sim.setLink(client, 'server', { loss: 2 })).toThrow(RangeError);
    expect(() => sim.setLink(client, 'server', { mtu: 10 })).toThrow(RangeError);
    expect(() => sim.addHost({ name: 'client', address: '10.0.0.9' })).toThrow(RangeError);
    expect(() => sim.addHost({ name: 'x', address: '10.0.0' })).toThrow(TypeError);
    expect(() => client.listen(0)).toThrow(RangeError);
  });
});

describe('the trace', () => {
  it('DESIGN 6: events are JSON-serialisable, seq is the index, time never decreases; subscribe/unsubscribe', () => {
    const { sim, client, server } = world();
    acceptAll(server);
    const live: string[] = [];
    const unsubscribe = sim.trace.subscribe((e) => live.push(e.type));
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.end(text('x')));
    sim.run({ until: 12 });
    unsubscribe();
    sim.run();
    const events = sim.trace.events;
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
    events.forEach((e, i) => {
      expect(e.seq).toBe(i);
      if (i > 0) expect(e.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
    });
    expect(live.length).toBeGreaterThan(0);
    expect(live.length).toBeLessThan(events.length);
    const types = new Set(events.map((e) => e.type));
    for (const t of [
      'tcp.state',
      'segment.sent',
      'segment.delivered',
      'timer.set',
      'timer.fired',
      'timer.cancelled',
      'app.call',
      'app.data',
      'app.event',
    ]) {
      expect(types).toContain(t);
    }
  });
});

describe('who owns the bytes an application is given', () => {
  it('an application changing the data it was given does not touch a duplicate still in flight or the capture', () => {
    const sim = createSimulation({ seed: 42 });
    const client = sim.addHost({ name: 'client', address: '10.0.0.1' });
    const server = sim.addHost({ name: 'server', address: '10.0.0.2' });
    sim.setLink(client, server, { delay: 20 });
    sim.addFault({
      direction: { from: 'client', to: 'server' },
      match: { payloadIncludes: 'hello' },
      action: 'duplicate',
    });
    const got: string[] = [];
    server.listen(80).on('connection', (s) => {
      s.on('data', (chunk: Uint8Array) => {
        got.push(new TextDecoder().decode(chunk));
        // What a WebSocket parser does when it unmasks a frame in place.
        chunk.fill(0x58);
      });
      s.on('end', () => s.end());
    });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.end(text('hello')));
    sim.run();
    expect(got).toEqual(['hello']);
    const copies = sim.trace.events.filter(
      (e) => (e.type === 'segment.delivered' || e.type === 'segment.dropped') && e.from === 'client',
    );
    // The duplicate arrives intact (its checksum still holds) and is acknowledged, not dropped.
    expect(copies.some((e) => e.type === 'segment.dropped')).toBe(false);
    expect(sim.packets.some((p) => new TextDecoder().decode(p.bytes).includes('XXXXX'))).toBe(false);
  });
});

describe('why a timer was cancelled', () => {
  const cancelled = (sim: ReturnType<typeof world>['sim'], host: string) =>
    sim.trace.events.flatMap((e) =>
      e.type === 'timer.cancelled' && e.host === host ? [[e.timer, e.stopCause ?? 'unneeded']] : [],
    );

  it('RFC 6298 5.2: the RTO stopped by an ACK has no cause; RFC 9293 3.10.5: ABORT stops every timer, cause closed', () => {
    const { sim, client, server } = world({}, { delay: 5 });
    acceptAll(server);
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => {
      sock.write(text('first'));
      // After the (delayed, 200 ms) ACK of the first write has come back.
      sim.schedule(400, () => {
        sim.setLink(client, server, { delay: 5, loss: 1 }); // what follows is never acknowledged
        sock.write(text('second'));
        sim.schedule(10, () => sock.destroy());
      });
    });
    sock.on('error', () => {});
    sim.run({ until: 5000 });
    expect(cancelled(sim, 'client')).toContainEqual(['RTO', 'unneeded']);
    expect(cancelled(sim, 'client').at(-1)).toEqual(['RTO', 'closed']);
  });

  it('RFC 9293 3.10.5: ABORT in SYN-SENT (no RST sent) stops the SYN timer, cause closed', () => {
    const { sim, client, server } = world({}, { delay: 5, loss: 1 });
    acceptAll(server);
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('error', () => {});
    sim.schedule(1, () => sock.destroy());
    sim.run({ until: 5000 });
    expect(cancelled(sim, 'client').at(-1)).toEqual(['SYN', 'closed']);
  });

  it('RFC 9293 3.10.5: ABORT in LAST-ACK (no RST sent) stops the RTO, cause closed', () => {
    const { sim, client, server } = world({}, { delay: 5 });
    server.listen(80).on('connection', (s) => sim.schedule(10, () => s.end())); // the server closes first
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('error', () => {});
    sock.on('end', () => {
      sim.setLink(client, server, { delay: 5, loss: 1 }); // our FIN is never acknowledged
      sock.end();
      sim.schedule(1, () => {
        expect(sock.state).toBe('LAST-ACK');
        sock.destroy();
      });
    });
    sim.run({ until: 5000 });
    expect(cancelled(sim, 'client').at(-1)).toEqual(['RTO', 'closed']);
  });

  it('RFC 9293 3.10.7.4: a retransmitted FIN restarts 2MSL (cause restarted); ABORT in TIME-WAIT ends it (closed)', () => {
    const { sim, client, server } = world({}, { delay: 5 });
    acceptAll(server);
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.end());
    sim.run({ until: 100 });
    expect(sock.state).toBe('TIME-WAIT');
    sock.destroy();
    sim.run({ until: 200 });
    expect(cancelled(sim, 'client').at(-1)).toEqual(['2MSL', 'closed']);
  });

  it('RFC 9293 3.10.7.4: entering TIME-WAIT turns off the other timers, cause time-wait', () => {
    const { sim, client, server } = world({ profile: { msl: 1000, keepAlive: true } });
    acceptAll(server);
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.end());
    sim.run({ until: 100 });
    expect(cancelled(sim, 'client')).toContainEqual(['KEEPALIVE', 'time-wait']);
  });
});
