/**
 * A simulated network for one test: a simulation with named hosts (default `client` 10.0.0.1 and
 * `server` 10.0.0.2) joined by one link, node:net for each host, the application's timers on the
 * simulation's clock, and, when the test fails, the run's capture and trace written to files that
 * `synack play` and `synack export` read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileSpec } from '../endpoint/timers.js';
import { encodePcap } from '../export/pcap.js';
import type { LinkConfig } from '../sim/link.js';
import { createSimulation, type Simulation } from '../sim/simulation.js';
import { createNet, type SimulatedNet } from './index.js';
import { seedApplicationRandomness } from './random.js';
import { VirtualTime } from './virtual-time.js';

export interface SimulatedNetworkOptions {
  /** The one seed: ISNs, link faults, and the application's crypto.randomBytes / Math.random. */
  readonly seed: number | string;
  /** The link between every pair of hosts (default: 10 ms, lossless). */
  readonly link?: LinkConfig | { forward: LinkConfig; backward: LinkConfig };
  /** TCP timer profile: 'rfc' (default), 'linux', or overrides. */
  readonly profile?: ProfileSpec;
  /** Host names; addresses are 10.0.0.1, 10.0.0.2, ... in this order (default ['client', 'server']). */
  readonly hosts?: readonly string[];
  /** 'instant' (default): virtual time jumps; 'paced': it follows the wall clock at `speed`. */
  readonly mode?: 'instant' | 'paced';
  readonly speed?: number;
  /** Stop a run whose virtual time passes this (ms, default 24 h). */
  readonly maxTime?: number;
  /**
   * Where a failing run's `NAME.pcap` and `NAME.trace.jsonl` go (default: `$SYNACK_ARTIFACTS`, else
   * `synack-failures` under the working directory); false writes nothing.
   */
  readonly artifacts?: string | false;
  /** File name for the artifacts (default: the test's name, or 'simulated-network'). */
  readonly name?: string;
  /**
   * Also put each packet's bytes (hex) in the trace's `segment.sent` events (default false: the pcap
   * carries the bytes, and hex-encoding every packet costs about a third of a busy run's time).
   */
  readonly traceBytes?: boolean;
}

/** What the test body gets. */
export interface SimulatedNetwork {
  readonly simulation: Simulation;
  readonly time: VirtualTime;
  /** node:net on the host `client` (the first host). */
  readonly client: SimulatedNet;
  /** node:net on the host `server` (the second host). */
  readonly server: SimulatedNet;
  /** node:net on any host by name. */
  host(name: string): SimulatedNet;
  /** Cuts both directions between two hosts (default client and server); `heal` joins them again. */
  partition(a?: string, b?: string): void;
  heal(a?: string, b?: string): void;
  /** Resolves after `ms` of virtual time. */
  sleep(ms: number): Promise<void>;
}

/** The files a failing run left. */
export interface RunArtifacts {
  readonly pcap: string;
  readonly trace: string;
}

/** Builds the network, runs `body` in virtual time, and on failure writes the artifacts and rethrows. */
export async function runSimulatedNetwork<T>(
  options: SimulatedNetworkOptions,
  body: (net: SimulatedNetwork) => Promise<T> | T,
  hooks: { name?: () => string | undefined; onArtifacts?: (files: RunArtifacts) => void } = {},
): Promise<T> {
  const names = options.hosts ?? ['client', 'server'];
  if (names.length < 2) throw new RangeError('a simulated network needs at least two hosts');
  const simulation = createSimulation({
    seed: options.seed,
    traceBytes: options.traceBytes ?? false,
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.link !== undefined && !('forward' in options.link) ? { defaultLink: options.link } : {}),
  });
  for (const [i, name] of names.entries()) simulation.addHost({ name, address: `10.0.0.${i + 1}` });
  if (options.link && 'forward' in options.link)
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++) simulation.setLink(names[i]!, names[j]!, options.link);
  const nets = new Map(names.map((name) => [name, createNet(simulation, name)]));
  const time =
    options.mode === 'paced'
      ? VirtualTime.paced(simulation, {
          ...(options.speed !== undefined ? { speed: options.speed } : {}),
          ...(options.maxTime !== undefined ? { maxTime: options.maxTime } : {}),
        })
      : VirtualTime.instant(simulation, options.maxTime !== undefined ? { maxTime: options.maxTime } : {});
  const unseed = seedApplicationRandomness(options.seed);
  const host = (name: string): SimulatedNet => {
    const net = nets.get(name);
    if (!net) throw new RangeError(`unknown host: ${name}`);
    return net;
  };
  const network: SimulatedNetwork = {
    simulation,
    time,
    client: host(names[0]!),
    server: host(names[1]!),
    host,
    partition: (a = names[0]!, b = names[1]!) => simulation.setPartition(a, b, true),
    heal: (a = names[0]!, b = names[1]!) => simulation.setPartition(a, b, false),
    sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  };
  try {
    return await time.run(() => body(network));
  } catch (error) {
    if (options.artifacts !== false) {
      const dir = options.artifacts ?? process.env.SYNACK_ARTIFACTS ?? 'synack-failures';
      const files = writeRunArtifacts(simulation, dir, options.name ?? hooks.name?.() ?? 'simulated-network');
      hooks.onArtifacts?.(files);
      if (error instanceof Error)
        error.message += `\n(simulated network, seed ${String(options.seed)}: capture ${files.pcap}, trace ${files.trace})`;
    }
    throw error;
  } finally {
    unseed();
    time.uninstall();
  }
}

/** Writes `NAME.pcap` (the packets as sent) and `NAME.trace.jsonl` (one trace event per line) under `dir`. */
export function writeRunArtifacts(simulation: Simulation, dir: string, name: string): RunArtifacts {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, safeFileName(name));
  const files = { pcap: `${base}.pcap`, trace: `${base}.trace.jsonl` };
  writeFileSync(files.pcap, encodePcap(simulation.packets));
  let lines = '';
  for (const event of simulation.trace.events) lines += `${JSON.stringify(event)}\n`;
  writeFileSync(files.trace, lines);
  return files;
}

function safeFileName(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 120) || 'run'
  );
}
