/**
 * The browser-shaped `WebSocket` of ws-frame over simulated TCP: a constructor that opens a tcp-sim
 * connection from a given host for `ws://address:port/path`, dispatches its events as virtual-time
 * tasks, and draws keys and masks from the run's seed. With it, a browser snippet runs unchanged (apart
 * from the URL) inside a simulation.
 */
import type { SimHost, Simulation } from '@synack/tcp-sim';
import { defineWebSocket, type RandomSource } from '@synack/ws-frame';

export function simulatedWebSocket(sim: Simulation, from: SimHost, random: RandomSource) {
  return defineWebSocket({
    transport: (url: URL) => from.connect({ address: url.hostname, port: Number(url.port || 80) }),
    random,
    schedule: (task) => sim.schedule(0, task),
  });
}
